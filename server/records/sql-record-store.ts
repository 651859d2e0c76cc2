/** The RecordStore over one SQL connection (PGlite or a PostgreSQL server): same SQL on both. */
import { RecordsError } from './errors';
import { currentSchemaVersion, migrate } from './migrations';
import type { CallRecord, CallRecordFilter, Customer, OperatorActivity } from './model';
import { openPgClient } from './pg-client';
import { openPgliteClient } from './pglite-client';
import type { PhoneOptions } from './phone';
import type { ActivityFilter, ActivityInterval, CustomerInput, CustomerSearch, RecordStore, SupervisorActionEntry, SupervisorActionFilter } from './record-store';
import type { OperatorReportRow, QueueReportRow, ReportQuery, ShiftRow } from './report-types';
import * as activity from './sql-activity';
import * as audit from './sql-audit';
import * as calls from './sql-calls';
import type { SqlClient } from './sql-client';
import * as customers from './sql-customers';
import * as reports from './sql-reports';

export interface SqlRecordStoreOptions {
  now?: () => number;
  phone?: PhoneOptions;
}

export class SqlRecordStore implements RecordStore {
  private readonly now: () => number;
  private readonly phone: PhoneOptions;
  private closed = false;

  constructor(readonly client: SqlClient, options: SqlRecordStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.phone = options.phone ?? {};
  }

  private get db(): SqlClient {
    if (this.closed) throw new RecordsError('ERR_RECORDS_CLOSED', 'the record store is closed');
    return this.client;
  }

  saveCall(record: CallRecord): Promise<void> {
    return this.saveCalls([record]);
  }

  /** One statement, so atomic without an explicit transaction. */
  saveCalls(records: readonly CallRecord[]): Promise<void> {
    return calls.upsertCalls(this.db, records, this.now(), this.phone);
  }

  dispose(callId: string, operatorId: string, disposition: string, notes?: string): Promise<boolean> {
    return calls.disposeCall(this.db, callId, operatorId, disposition, notes, this.now());
  }

  getCall(callId: string): Promise<CallRecord | undefined> {
    return calls.getCall(this.db, callId);
  }

  queryCalls(filter: CallRecordFilter): Promise<CallRecord[]> {
    return calls.queryCalls(this.db, filter, this.phone);
  }

  closeInterrupted(instanceId: string, now: number): Promise<number> {
    return this.db.transaction(async (tx) => {
      await activity.closeActivityOf(tx, instanceId, now);
      return calls.closeInterrupted(tx, instanceId, now);
    });
  }

  async deleteOlderThan(cutoff: number): Promise<{ calls: number; activity: number }> {
    return this.db.transaction(async (tx) => {
      const c = await tx.query('delete from calls where arrived_at < $1 and ended_at is not null returning call_id', [cutoff]);
      const a = await tx.query('delete from operator_activity where ended_at is not null and ended_at < $1 returning id', [cutoff]);
      await tx.query('delete from supervisor_actions where at < $1', [cutoff]);
      return { calls: c.length, activity: a.length };
    });
  }

  recordActivity(a: OperatorActivity): Promise<void> {
    return this.db.transaction((tx) => activity.recordActivity(tx, a));
  }

  queryActivity(filter: ActivityFilter): Promise<ActivityInterval[]> {
    return activity.queryActivity(this.db, filter);
  }

  recordSupervisorAction(entry: SupervisorActionEntry): Promise<void> {
    return audit.recordSupervisorAction(this.db, entry);
  }

  querySupervisorActions(filter: SupervisorActionFilter): Promise<SupervisorActionEntry[]> {
    return audit.querySupervisorActions(this.db, filter);
  }

  async createCustomer(input: CustomerInput, now: number, id?: string): Promise<Customer> {
    const checked = customers.checkCustomerInput(input, this.phone);
    return this.db.transaction((tx) => customers.createCustomer(tx, checked, now, id));
  }

  async updateCustomer(id: string, changes: CustomerInput, now: number): Promise<Customer> {
    const checked = customers.checkCustomerInput(changes, this.phone);
    return this.db.transaction((tx) => customers.updateCustomer(tx, id, checked, now));
  }

  getCustomer(id: string): Promise<Customer | undefined> {
    return customers.getCustomer(this.db, id);
  }

  deleteCustomer(id: string): Promise<boolean> {
    return customers.deleteCustomer(this.db, id);
  }

  findCustomerByPhone(phone: string): Promise<Customer | undefined> {
    return customers.findCustomerByPhone(this.db, phone, this.phone);
  }

  searchCustomers(search: CustomerSearch): Promise<Customer[]> {
    return customers.searchCustomers(this.db, search);
  }

  queueReport(query: ReportQuery): Promise<QueueReportRow[]> {
    return reports.queueReport(this.db, query);
  }

  operatorReport(query: ReportQuery): Promise<OperatorReportRow[]> {
    return reports.operatorReport(this.db, query, this.now());
  }

  shiftReport(query: Pick<ReportQuery, 'from' | 'to' | 'timeZone' | 'operatorId'>): Promise<ShiftRow[]> {
    return reports.shiftReport(this.db, query, this.now());
  }

  schemaVersion(): Promise<number> {
    return currentSchemaVersion(this.db);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }
}

export interface OpenRecordStoreOptions extends SqlRecordStoreOptions {
  /** `postgres://…`: a PostgreSQL server. */
  url?: string;
  /** PGlite data directory; in memory when neither `url` nor `dir` is given. */
  dir?: string;
  /** Errors of idle server connections (the pool replaces them). */
  onConnectionError?: (err: Error) => void;
}

/** Opens the database, applies pending migrations (refusing a newer schema) and answers the store. */
export async function openRecordStore(options: OpenRecordStoreOptions): Promise<SqlRecordStore> {
  const client = options.url
    ? await openPgClient({ url: options.url, onError: options.onConnectionError })
    : await openPgliteClient(options.dir);
  try {
    await migrate(client);
  } catch (err) {
    await client.close();
    throw err;
  }
  return new SqlRecordStore(client, options);
}
