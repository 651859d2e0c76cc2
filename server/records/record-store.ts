/**
 * The record store port: call records with segments, operator activity, customers and reports.
 * One implementation (`SqlRecordStore`) runs the same SQL on PGlite and on a PostgreSQL server.
 */
import type { CallRecord, CallRecordFilter, Customer, OperatorActivity } from './model';
import type { OperatorReportRow, QueueReportRow, ReportQuery, ShiftRow } from './report-types';

/** What the calls layer writes to: the store itself, or the buffered writer in front of it. */
export interface CallRecordSink {
  /** Upserts the whole record and its segments; idempotent. A record without `endedAt` is live. */
  saveCall(record: CallRecord): Promise<void>;
  /** The wrap-up disposition; false when the call is unknown or `operatorId` did not handle it. */
  dispose(callId: string, operatorId: string, disposition: string, notes?: string): Promise<boolean>;
}

/** Where operator state changes go (the activity recorder writes here). */
export interface ActivitySink {
  recordActivity(activity: OperatorActivity): Promise<void>;
}

export interface ActivityInterval {
  operatorId: string;
  state: string;
  reason?: string;
  startedAt: number;
  /** Absent while the interval is open (the operator's current state). */
  endedAt?: number;
  instanceId: string;
}

export interface ActivityFilter {
  operatorId?: string;
  /** Intervals overlapping [from, to). */
  from?: number;
  to?: number;
  /** Default 1000. */
  limit?: number;
}

/** A new customer or changes to one (`phones` in any common notation; stored as E.164). */
export interface CustomerInput {
  phones?: string[];
  name?: string;
  company?: string;
  notes?: string;
  tags?: string[];
  fields?: Record<string, string>;
}

export interface CustomerSearch {
  /** Matches name, company or a phone (substring, case-insensitive). */
  text?: string;
  tag?: string;
  /** Default 100. */
  limit?: number;
  /** For paging through every customer (export): customers with `id > after`, by id. */
  after?: string;
}

/** One action a supervisor took from the console (forced state, move, assignment, priority). */
export interface SupervisorActionEntry {
  at: number;
  /** Who took it (operator id of the supervisor or admin). */
  by: string;
  action: string;
  operatorId?: string;
  /** The routing id of the waiting call. */
  callId?: string;
  queue?: string;
  details: Record<string, unknown>;
}

export interface SupervisorActionFilter {
  from?: number;
  to?: number;
  by?: string;
  /** Only actions on these queues. */
  queues?: readonly string[];
  /** Default 1000. */
  limit?: number;
}

export interface RecordStore extends CallRecordSink, ActivitySink {
  /** Upserts several records in one transaction (the buffered writer's batch). */
  saveCalls(records: readonly CallRecord[]): Promise<void>;
  getCall(callId: string): Promise<CallRecord | undefined>;
  /** Newest first by `arrivedAt`. */
  queryCalls(filter: CallRecordFilter): Promise<CallRecord[]>;
  /** Closes the live records of a dead instance as `interrupted` at `now`; answers how many. */
  closeInterrupted(instanceId: string, now: number): Promise<number>;
  /** Deletes calls that arrived and activity that ended before `cutoff`; answers how many rows of each. */
  deleteOlderThan(cutoff: number): Promise<{ calls: number; activity: number }>;

  queryActivity(filter: ActivityFilter): Promise<ActivityInterval[]>;

  recordSupervisorAction(entry: SupervisorActionEntry): Promise<void>;
  /** Newest first. */
  querySupervisorActions(filter: SupervisorActionFilter): Promise<SupervisorActionEntry[]>;

  createCustomer(input: CustomerInput, now: number, id?: string): Promise<Customer>;
  /** Replaces the given fields; `phones` when given replaces all phones. */
  updateCustomer(id: string, changes: CustomerInput, now: number): Promise<Customer>;
  getCustomer(id: string): Promise<Customer | undefined>;
  deleteCustomer(id: string): Promise<boolean>;
  /** The customer owning this number (normalised to E.164 first); undefined when none or not a number. */
  findCustomerByPhone(phone: string): Promise<Customer | undefined>;
  searchCustomers(search: CustomerSearch): Promise<Customer[]>;

  queueReport(query: ReportQuery): Promise<QueueReportRow[]>;
  operatorReport(query: ReportQuery): Promise<OperatorReportRow[]>;
  /** First sign-in and last sign-out per operator and local day in [from, to). */
  shiftReport(query: Pick<ReportQuery, 'from' | 'to' | 'timeZone' | 'operatorId'>): Promise<ShiftRow[]>;

  /** The schema version the database is at. */
  schemaVersion(): Promise<number>;
  /** Idempotent. */
  close(): Promise<void>;
}
