/**
 * Builds a call's record as the call progresses: one segment per queue visit, offer, answer, hold,
 * transfer and wrap-up. The call saves a snapshot at each milestone, so a crash leaves a record.
 */
import type { CallOutcome, CallRecord, CallSegment, SegmentKind } from '../records/model';

export interface RecordStart {
  callId: string;
  queue: string;
  trunkId: string;
  caller: string;
  number: string;
  instanceId: string;
  arrivedAt: number;
}

const secondsBetween = (a: number, b: number) => Math.max(0, Math.round((b - a) / 1000));

export class CallRecordBuilder {
  private readonly record: CallRecord;
  private readonly open = new Map<number, CallSegment>();

  constructor(start: RecordStart) {
    this.record = { ...start, direction: 'inbound', waitSeconds: 0, talkSeconds: 0, holdSeconds: 0, segments: [] };
  }

  get ended(): boolean {
    return this.record.endedAt !== undefined;
  }

  set setupMs(ms: number) {
    this.record.setupMs = ms;
  }

  /** Opens a segment; returns its number, to close it with `end`. */
  begin(kind: SegmentKind, at: number, fields: Omit<CallSegment, 'seq' | 'kind' | 'startedAt'> = {}): number {
    const seq = this.record.segments.length + 1;
    const segment: CallSegment = { seq, kind, startedAt: at, ...fields };
    this.record.segments.push(segment);
    this.open.set(seq, segment);
    return seq;
  }

  /** Closes a segment (once; later calls are ignored). */
  end(seq: number | undefined, at: number, result?: string): void {
    if (seq === undefined) return;
    const segment = this.open.get(seq);
    if (!segment) return;
    this.open.delete(seq);
    segment.endedAt = at;
    if (result !== undefined) segment.result = result;
    if (segment.kind === 'held') this.record.holdSeconds += secondsBetween(segment.startedAt, at);
  }

  /** An operator answered: the first answer ends the wait. */
  answered(operatorId: string, at: number): void {
    this.record.operatorId = operatorId;
    if (this.record.answeredAt === undefined) {
      this.record.answeredAt = at;
      this.record.waitSeconds = secondsBetween(this.record.arrivedAt, at);
    }
  }

  /** Talk time is the sum of the answered segments (hold included). */
  finish(outcome: CallOutcome, at: number): void {
    for (const seq of [...this.open.keys()]) this.end(seq, at);
    this.record.outcome = outcome;
    this.record.endedAt = at;
    if (this.record.answeredAt === undefined) this.record.waitSeconds = secondsBetween(this.record.arrivedAt, at);
    this.record.talkSeconds = this.record.segments
      .filter((s) => s.kind === 'answered')
      .reduce((sum, s) => sum + secondsBetween(s.startedAt, s.endedAt ?? at), 0);
  }

  /** Every operator named in a segment so far (offered, answered, transfers…), in order. */
  operators(): string[] {
    return [...new Set(this.record.segments.map((s) => s.operatorId).filter((o): o is string => o !== undefined))];
  }

  /** A copy to save: later changes do not reach what was handed out. */
  snapshot(): CallRecord {
    return structuredClone(this.record);
  }
}
