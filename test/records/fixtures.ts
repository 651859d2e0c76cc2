/** Call records for the record store's tests. */
import type { CallRecord, CallSegment } from '../../server/records/model';

export const T0 = Date.UTC(2026, 2, 2, 8, 0, 0); // Monday 2 March 2026, 09:00 in Berlin

let n = 0;
export function callId(prefix = 'c'): string {
  return `${prefix}-${++n}-${Math.random().toString(36).slice(2, 8)}`;
}

/** An answered, finished call: queued 10 s, talk 60 s, wrap-up 15 s. */
export function answeredCall(over: Partial<CallRecord> = {}): CallRecord {
  const arrivedAt = over.arrivedAt ?? T0;
  const segments: CallSegment[] = [
    { seq: 1, kind: 'queued', startedAt: arrivedAt, endedAt: arrivedAt + 10_000, queue: 'support' },
    { seq: 2, kind: 'offered', startedAt: arrivedAt + 4_000, endedAt: arrivedAt + 10_000, queue: 'support', operatorId: 'alice', result: 'answered' },
    { seq: 3, kind: 'answered', startedAt: arrivedAt + 10_000, endedAt: arrivedAt + 70_000, queue: 'support', operatorId: 'alice' },
    { seq: 4, kind: 'wrap-up', startedAt: arrivedAt + 70_000, endedAt: arrivedAt + 85_000, operatorId: 'alice' },
  ];
  return {
    callId: callId(), direction: 'inbound', queue: 'support', trunkId: 'pstn', caller: '+4930111222', number: '100',
    operatorId: 'alice', instanceId: 'i1', outcome: 'answered', arrivedAt, answeredAt: arrivedAt + 10_000, endedAt: arrivedAt + 70_000,
    waitSeconds: 10, talkSeconds: 60, holdSeconds: 0, segments, ...over,
  };
}

/** The same call while it waits in the queue (no end, no outcome). */
export function liveCall(over: Partial<CallRecord> = {}): CallRecord {
  const arrivedAt = over.arrivedAt ?? T0;
  return {
    callId: callId(), direction: 'inbound', queue: 'support', trunkId: 'pstn', caller: '+4930111222', number: '100',
    instanceId: 'i1', arrivedAt, waitSeconds: 0, talkSeconds: 0, holdSeconds: 0,
    segments: [{ seq: 1, kind: 'queued', startedAt: arrivedAt, queue: 'support' }], ...over,
  };
}
