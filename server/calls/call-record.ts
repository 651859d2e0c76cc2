/**
 * Call records as the calls layer writes them (the model is in server/records/model.ts). The
 * in-memory store keeps the most recent records; the record store in PostgreSQL replaces it.
 */
import type { CallRecord as LiveOrEndedRecord, CallRecordFilter } from '../records/model';
import type { CallRecordSink } from './ports';

export { CALL_OUTCOMES, type CallOutcome, type CallRecordFilter } from '../records/model';

/** A finished call's record (outcome and end known), as reports and the API read them. */
export type CallRecord = LiveOrEndedRecord & Required<Pick<LiveOrEndedRecord, 'outcome' | 'endedAt'>>;

/** Where call records go: saved as the call progresses, read back when finished. */
export interface CallRecordStore extends CallRecordSink {
  /** Finished calls matching the filter, newest first. */
  query(filter: CallRecordFilter): Promise<CallRecord[]>;
  /** The operator's disposition code and notes, given at the end of wrap-up. */
  dispose(callId: string, operatorId: string, disposition: string, notes?: string): Promise<boolean>;
}

export function isEnded(r: LiveOrEndedRecord): r is CallRecord {
  return r.outcome !== undefined && r.endedAt !== undefined;
}

export class MemoryCallRecordStore implements CallRecordStore {
  private readonly records = new Map<string, LiveOrEndedRecord>();

  constructor(private readonly keep = 100_000) {}

  async saveCall(record: LiveOrEndedRecord): Promise<void> {
    const previous = this.records.get(record.callId);
    this.records.delete(record.callId); // re-insert: the map keeps the newest last
    this.records.set(record.callId, { ...record, ...(previous?.disposition ? { disposition: previous.disposition, notes: previous.notes } : {}) });
    if (this.records.size > this.keep) this.records.delete(this.records.keys().next().value as string);
  }

  async query(f: CallRecordFilter): Promise<CallRecord[]> {
    const out = [...this.records.values()].filter(isEnded).filter((r) =>
      (f.from === undefined || r.arrivedAt >= f.from) && (f.to === undefined || r.arrivedAt < f.to) &&
      (f.queue === undefined || r.queue === f.queue) && (f.operatorId === undefined || r.operatorId === f.operatorId) &&
      (f.outcome === undefined || r.outcome === f.outcome) && (f.caller === undefined || r.caller === f.caller) &&
      (f.handledBy === undefined || r.operatorId === f.handledBy || r.segments.some((s) => s.operatorId === f.handledBy)));
    out.sort((a, b) => b.arrivedAt - a.arrivedAt);
    return out.slice(0, f.limit ?? 100);
  }

  async dispose(callId: string, operatorId: string, disposition: string, notes?: string): Promise<boolean> {
    const r = this.records.get(callId);
    if (!r || !r.segments.some((s) => s.kind === 'answered' && s.operatorId === operatorId)) return false;
    r.disposition = disposition;
    if (notes !== undefined) r.notes = notes;
    return true;
  }
}
