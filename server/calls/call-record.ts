export const CALL_OUTCOMES = ['answered', 'abandoned', 'overflow', 'busy', 'failed'] as const;
/** How a call ended, for its call record. */
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** The call detail record (CDR) written for every call. Times are epoch milliseconds. */
export interface CallRecord {
  callId: string;
  queue: string;
  trunkId: string;
  caller: string;
  /** The dialled number. */
  number: string;
  operatorId?: string;
  outcome: CallOutcome;
  arrivedAt: number;
  answeredAt?: number;
  endedAt: number;
  waitSeconds: number;
  talkSeconds: number;
  /** From the trunk's INVITE to our 200 OK (the caller answered into the queue), when it was answered. */
  setupMs?: number;
  /** Filled in by the operator's wrap-up. */
  disposition?: string;
  notes?: string;
}

/** Filter of `query`; all given fields must match. `from`/`to` bound `arrivedAt` as [from, to). */
export interface CallRecordFilter {
  from?: number;
  to?: number;
  queue?: string;
  operatorId?: string;
  outcome?: CallOutcome;
  limit?: number;
}

/** Where call records go. The in-memory store keeps the most recent ones. */
export interface CallRecordStore {
  write(record: CallRecord): Promise<void>;
  query(filter: CallRecordFilter): Promise<CallRecord[]>;
  /** The operator's disposition code and notes, given at the end of wrap-up. */
  dispose(callId: string, operatorId: string, disposition: string, notes?: string): Promise<boolean>;
}

export class MemoryCallRecordStore implements CallRecordStore {
  private readonly records: CallRecord[] = [];

  constructor(private readonly keep = 100_000) {}

  async write(record: CallRecord): Promise<void> {
    this.records.push(record);
    if (this.records.length > this.keep) this.records.splice(0, this.records.length - this.keep);
  }

  async query(f: CallRecordFilter): Promise<CallRecord[]> {
    const out = this.records.filter((r) =>
      (f.from === undefined || r.arrivedAt >= f.from) && (f.to === undefined || r.arrivedAt < f.to) &&
      (f.queue === undefined || r.queue === f.queue) && (f.operatorId === undefined || r.operatorId === f.operatorId) &&
      (f.outcome === undefined || r.outcome === f.outcome));
    return out.slice(-(f.limit ?? 100)).reverse();
  }

  async dispose(callId: string, operatorId: string, disposition: string, notes?: string): Promise<boolean> {
    const r = [...this.records].reverse().find((x) => x.callId === callId && x.operatorId === operatorId);
    if (!r) return false;
    r.disposition = disposition;
    if (notes !== undefined) r.notes = notes;
    return true;
  }
}
