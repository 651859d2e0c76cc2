/** Customers and their phone numbers (E.164, each number belongs to one customer). */
import { randomUUID } from 'node:crypto';
import { RecordsError } from './errors';
import type { Customer } from './model';
import { normalisePhone, tryNormalisePhone, type PhoneOptions } from './phone';
import type { CustomerInput, CustomerSearch } from './record-store';
import type { SqlQueryable, SqlRow } from './sql-client';

/** Limits on one customer (a bad import must not fill the database). */
export const CUSTOMER_LIMITS = { phones: 10, text: 200, notes: 10_000, tags: 50, tag: 64, fields: 50, fieldName: 64, fieldValue: 1_000 } as const;

const bad = (message: string, field: string) => new RecordsError('ERR_INVALID_INPUT', message, { details: { field } });

/** Checks sizes and normalises phones; answers the input with phones in E.164. */
export function checkCustomerInput(input: CustomerInput, phone: PhoneOptions): CustomerInput {
  const L = CUSTOMER_LIMITS;
  const out: CustomerInput = { ...input };
  for (const key of ['name', 'company'] as const) {
    const v = input[key];
    if (v !== undefined && (typeof v !== 'string' || v.length > L.text)) throw bad(`${key}: expected at most ${L.text} characters`, key);
  }
  if (input.notes !== undefined && (typeof input.notes !== 'string' || input.notes.length > L.notes)) throw bad(`notes: expected at most ${L.notes} characters`, 'notes');
  if (input.phones !== undefined) {
    if (!Array.isArray(input.phones) || input.phones.length > L.phones) throw bad(`phones: expected at most ${L.phones} numbers`, 'phones');
    out.phones = [...new Set(input.phones.map((p) => normalisePhone(p, phone)))];
  }
  if (input.tags !== undefined) {
    if (!Array.isArray(input.tags) || input.tags.length > L.tags || input.tags.some((t) => typeof t !== 'string' || t.length === 0 || t.length > L.tag)) {
      throw bad(`tags: expected at most ${L.tags} tags of 1-${L.tag} characters`, 'tags');
    }
    out.tags = [...new Set(input.tags)];
  }
  if (input.fields !== undefined) {
    const entries = typeof input.fields === 'object' && input.fields !== null ? Object.entries(input.fields) : null;
    if (!entries || entries.length > L.fields || entries.some(([k, v]) => k.length === 0 || k.length > L.fieldName || typeof v !== 'string' || v.length > L.fieldValue)) {
      throw bad(`fields: expected at most ${L.fields} text fields (names 1-${L.fieldName}, values up to ${L.fieldValue} characters)`, 'fields');
    }
  }
  return out;
}

function toCustomer(row: SqlRow): Customer {
  const c: Customer = {
    id: String(row.id),
    phones: Array.isArray(row.phones) ? (row.phones as string[]).filter((p) => p !== null).sort() : [],
    tags: (row.tags as string[]) ?? [],
    fields: (row.fields as Record<string, string>) ?? {},
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  for (const key of ['name', 'company', 'notes'] as const) if (row[key] !== null && row[key] !== undefined) c[key] = String(row[key]);
  return c;
}

const SELECT = `select c.*, coalesce((select jsonb_agg(p.phone order by p.phone) from customer_phones p where p.customer_id = c.id), '[]'::jsonb) as phones from customers c`;

async function setPhones(tx: SqlQueryable, id: string, phones: string[]): Promise<void> {
  await tx.query('delete from customer_phones where customer_id = $1', [id]);
  if (phones.length === 0) return;
  const taken = await tx.query<{ phone: string; customer_id: string }>(
    'select phone, customer_id from customer_phones where phone in (select jsonb_array_elements_text($1::jsonb))',
    [JSON.stringify(phones)],
  );
  if (taken.length > 0) {
    throw new RecordsError('ERR_PHONE_TAKEN', `${taken[0]?.phone} already belongs to customer ${taken[0]?.customer_id}`, { details: { phone: taken[0]?.phone, customerId: taken[0]?.customer_id } });
  }
  await tx.query('insert into customer_phones (phone, customer_id) select jsonb_array_elements_text($1::jsonb), $2', [JSON.stringify(phones), id]);
}

/**
 * How far back a new customer's number claims calls not linked to anyone: the live calls and those
 * ended within this window (the wrap-up in which the operator created the customer). Older calls
 * from the number stay unlinked (the number may have had another owner); the customer's history
 * still lists them by number.
 */
export const CUSTOMER_LINK_WINDOW_MS = 3_600_000;

/** Links the unlinked recent calls from these numbers to the customer; answers how many. */
async function linkRecentCalls(tx: SqlQueryable, id: string, phones: readonly string[], now: number): Promise<number> {
  if (phones.length === 0) return 0;
  const rows = await tx.query(
    `update calls set customer_id = $1, updated_at = $3
     where customer_id is null and caller_e164 in (select jsonb_array_elements_text($2::jsonb))
       and (ended_at is null or ended_at >= $4) returning call_id`,
    [id, JSON.stringify(phones), now, now - CUSTOMER_LINK_WINDOW_MS],
  );
  return rows.length;
}

export async function getCustomer(db: SqlQueryable, id: string): Promise<Customer | undefined> {
  const rows = await db.query(`${SELECT} where c.id = $1`, [id]);
  return rows[0] ? toCustomer(rows[0]) : undefined;
}

export async function createCustomer(tx: SqlQueryable, input: CustomerInput, now: number, id: string = randomUUID()): Promise<Customer> {
  const rows = await tx.query(
    `insert into customers (id, name, company, notes, tags, fields, created_at, updated_at)
     values ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $7) on conflict (id) do nothing returning id`,
    [id, input.name ?? null, input.company ?? null, input.notes ?? null, JSON.stringify(input.tags ?? []), JSON.stringify(input.fields ?? {}), now],
  );
  if (rows.length === 0) throw new RecordsError('ERR_INVALID_INPUT', `customer ${id} already exists`, { details: { field: 'id' } });
  await setPhones(tx, id, input.phones ?? []);
  await linkRecentCalls(tx, id, input.phones ?? [], now);
  return (await getCustomer(tx, id)) as Customer;
}

export async function updateCustomer(tx: SqlQueryable, id: string, changes: CustomerInput, now: number): Promise<Customer> {
  const sets: string[] = ['updated_at = $2'];
  const params: unknown[] = [id, now];
  const set = (col: string, value: unknown, cast = '') => {
    params.push(value);
    sets.push(`${col} = $${params.length}${cast}`);
  };
  if (changes.name !== undefined) set('name', changes.name);
  if (changes.company !== undefined) set('company', changes.company);
  if (changes.notes !== undefined) set('notes', changes.notes);
  if (changes.tags !== undefined) set('tags', JSON.stringify(changes.tags), '::jsonb');
  if (changes.fields !== undefined) set('fields', JSON.stringify(changes.fields), '::jsonb');
  const rows = await tx.query(`update customers set ${sets.join(', ')} where id = $1 returning id`, params);
  if (rows.length === 0) throw new RecordsError('ERR_UNKNOWN_CUSTOMER', `no customer ${id}`, { details: { customerId: id } });
  if (changes.phones !== undefined) {
    await setPhones(tx, id, changes.phones);
    await linkRecentCalls(tx, id, changes.phones, now);
  }
  return (await getCustomer(tx, id)) as Customer;
}

export async function deleteCustomer(db: SqlQueryable, id: string): Promise<boolean> {
  return (await db.query('delete from customers where id = $1 returning id', [id])).length > 0;
}

export async function findCustomerByPhone(db: SqlQueryable, phone: string, options: PhoneOptions): Promise<Customer | undefined> {
  const e164 = tryNormalisePhone(phone, options);
  if (!e164) return undefined;
  const rows = await db.query(`${SELECT} where c.id = (select customer_id from customer_phones where phone = $1)`, [e164]);
  return rows[0] ? toCustomer(rows[0]) : undefined;
}

export async function searchCustomers(db: SqlQueryable, search: CustomerSearch): Promise<Customer[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (search.text) {
    params.push(`%${search.text.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
    const p = `$${params.length}`;
    where.push(`(lower(c.name) like ${p} or lower(c.company) like ${p} or exists (select 1 from customer_phones p where p.customer_id = c.id and p.phone like ${p}))`);
  }
  if (search.tag) {
    params.push(JSON.stringify([search.tag]));
    where.push(`c.tags @> $${params.length}::jsonb`);
  }
  if (search.after !== undefined) {
    params.push(search.after);
    where.push(`c.id > $${params.length}`);
  }
  params.push(Math.min(Math.max(1, search.limit ?? 100), 1000));
  const order = search.after !== undefined || !search.text ? 'c.id' : 'c.name nulls last, c.id';
  const rows = await db.query(`${SELECT} ${where.length ? `where ${where.join(' and ')}` : ''} order by ${order} limit $${params.length}`, params);
  return rows.map(toCustomer);
}
