/**
 * Customers as CSV: columns `id, name, company, phones, tags, notes` and one `field.NAME` column per
 * free field; phones and tags are separated by `;`. Import matches a row to a customer by `id`,
 * else by any of its phones, and updates it; otherwise it creates one. Bad rows are reported with
 * their line and skipped; the good ones are kept. An empty cell leaves that value unchanged.
 */
import { RecordsError } from './errors';
import { parseCsv, toCsv, unguard } from './csv';
import type { Customer } from './model';
import type { CustomerInput, RecordStore } from './record-store';

export const CSV_IMPORT_LIMITS = { bytes: 5_000_000, rows: 20_000 } as const;
const BASE = ['id', 'name', 'company', 'phones', 'tags', 'notes'] as const;
const FIELD = 'field.';

export async function exportCustomersCsv(store: Pick<RecordStore, 'searchCustomers'>): Promise<string> {
  const all: Customer[] = [];
  for (let after = ''; ;) {
    const page = await store.searchCustomers({ after, limit: 1000 });
    all.push(...page);
    if (page.length < 1000) break;
    after = page[page.length - 1]?.id ?? after;
  }
  const fields = [...new Set(all.flatMap((c) => Object.keys(c.fields)))].sort();
  return toCsv(
    [...BASE, ...fields.map((f) => `${FIELD}${f}`)],
    all.map((c) => [c.id, c.name, c.company, c.phones.join(';'), c.tags.join(';'), c.notes, ...fields.map((f) => c.fields[f])]),
  );
}

export interface CsvImportResult {
  created: number;
  updated: number;
  errors: Array<{ line: number; code: string; message: string }>;
}

const list = (s: string | undefined) => (s ?? '').split(';').map((x) => x.trim()).filter((x) => x !== '');

export async function importCustomersCsv(
  store: Pick<RecordStore, 'getCustomer' | 'findCustomerByPhone' | 'createCustomer' | 'updateCustomer'>,
  text: string,
  now: number,
): Promise<CsvImportResult> {
  if (text.length > CSV_IMPORT_LIMITS.bytes) throw new RecordsError('ERR_BAD_CSV', `CSV larger than ${CSV_IMPORT_LIMITS.bytes} characters`);
  const rows = parseCsv(text);
  const header = (rows.shift() ?? []).map((h) => h.trim());
  if (rows.length > CSV_IMPORT_LIMITS.rows) throw new RecordsError('ERR_BAD_CSV', `more than ${CSV_IMPORT_LIMITS.rows} rows`);
  const unknown = header.filter((h) => !(BASE as readonly string[]).includes(h) && !(h.startsWith(FIELD) && h.length > FIELD.length));
  if (unknown.length > 0 || !header.includes('phones') && !header.includes('name')) {
    throw new RecordsError('ERR_BAD_CSV', `line 1: expected the columns ${BASE.join(', ')} and field.NAME${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`, { details: { line: 1 } });
  }
  const result: CsvImportResult = { created: 0, updated: 0, errors: [] };
  for (const [index, row] of rows.entries()) {
    const line = index + 2;
    const cell = (name: string) => {
      const i = header.indexOf(name);
      return i < 0 ? undefined : unguard(row[i] ?? '');
    };
    const input: CustomerInput = {};
    const set = (key: 'name' | 'company' | 'notes') => {
      const v = cell(key);
      if (v !== undefined && v !== '') input[key] = v;
    };
    set('name');
    set('company');
    set('notes');
    // an empty cell leaves the customer's value as it is
    const phones = list(cell('phones'));
    if (phones.length > 0) input.phones = phones;
    const tags = list(cell('tags'));
    if (tags.length > 0) input.tags = tags;
    const fields: Record<string, string> = {};
    for (const h of header) if (h.startsWith(FIELD) && cell(h)) fields[h.slice(FIELD.length)] = cell(h) as string;
    if (Object.keys(fields).length > 0) input.fields = fields;
    try {
      const id = cell('id') || undefined;
      let existing = id ? await store.getCustomer(id) : undefined;
      for (const p of input.phones ?? []) {
        if (existing) break;
        existing = await store.findCustomerByPhone(p);
      }
      if (existing) {
        await store.updateCustomer(existing.id, input, now);
        result.updated++;
      } else {
        await store.createCustomer(input, now, id);
        result.created++;
      }
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('ERR_')) throw err;
      result.errors.push({ line, code, message: (err as Error).message });
    }
  }
  return result;
}
