import { calendarInterval, HOUR, rollingInterval } from './intervals';
import { KpiCalculator } from './kpis';
import type { Explanation, RoutingEvent } from './types';

const s = (seconds: number) => seconds * 1000;
const why = { kind: 'call-for-operator' } as unknown as Explanation;
const state = (at: number, operatorId: string, from: string, to: string, reason?: string): RoutingEvent =>
  ({ type: 'operator-state', at: s(at), operatorId, from, to, ...(reason ? { reason } : {}) }) as RoutingEvent;
const offer = (at: number, callId: string, operatorId: string): RoutingEvent => ({
  type: 'call-offered', at: s(at), callId, queueId: 'sales', operatorIds: [operatorId], token: `${callId}@${at}`, expiresAt: s(at + 15), explanation: why,
});

/**
 * A replayed day in miniature (times in seconds). Two operators, queue "sales", threshold 20 s.
 * c1 answered by a after 5 s, 60 s talk, wrap-up ended early after 5 s.
 * c2 rings b, who lets it ring out; a takes it at 70 s (waited 70 s), 60 s talk, no wrap-up.
 * c3 abandons after 27 s (counts against service level), c4 after 5 s (does not).
 */
const TRACE: RoutingEvent[] = [
  state(0, 'a', 'offline', 'available'),
  state(0, 'b', 'offline', 'available'),
  { type: 'call-queued', at: 0, callId: 'c1', queueId: 'sales', priority: 0, position: 1 },
  offer(0, 'c1', 'a'),
  state(0, 'a', 'available', 'reserved'),
  { type: 'offer-ringing', at: s(1), callId: 'c1', operatorId: 'a', token: 'c1@0' },
  state(1, 'a', 'reserved', 'ringing'),
  { type: 'call-queued', at: s(2), callId: 'c2', queueId: 'sales', priority: 0, position: 1 },
  offer(2, 'c2', 'b'),
  state(2, 'b', 'available', 'reserved'),
  { type: 'call-queued', at: s(3), callId: 'c3', queueId: 'sales', priority: 0, position: 1 },
  state(3, 'b', 'reserved', 'ringing'),
  state(5, 'a', 'ringing', 'on-call'),
  { type: 'call-answered', at: s(5), callId: 'c1', queueId: 'sales', operatorId: 'a', waitedMs: s(5) },
  { type: 'offer-withdrawn', at: s(17), callId: 'c2', queueId: 'sales', operatorId: 'b', token: 'c2@2', reason: 'no-answer' },
  state(17, 'b', 'ringing', 'paused', 'no-answer'),
  { type: 'call-returned', at: s(17), callId: 'c2', queueId: 'sales', position: 1 },
  { type: 'call-abandoned', at: s(30), callId: 'c3', queueId: 'sales', waitedMs: s(27) },
  { type: 'call-queued', at: s(40), callId: 'c4', queueId: 'sales', priority: 0, position: 2 },
  { type: 'call-abandoned', at: s(45), callId: 'c4', queueId: 'sales', waitedMs: s(5) },
  { type: 'call-completed', at: s(65), callId: 'c1', queueId: 'sales', operatorId: 'a', talkMs: s(60), wrapUpMs: s(10) },
  state(65, 'a', 'on-call', 'wrap-up'),
  state(70, 'a', 'wrap-up', 'available'),
  offer(70, 'c2', 'a'),
  state(70, 'a', 'available', 'reserved'),
  state(72, 'a', 'reserved', 'on-call'),
  { type: 'call-answered', at: s(72), callId: 'c2', queueId: 'sales', operatorId: 'a', waitedMs: s(70) },
  state(100, 'b', 'paused', 'available'),
  { type: 'call-completed', at: s(132), callId: 'c2', queueId: 'sales', operatorId: 'a', talkMs: s(60), wrapUpMs: 0 },
  state(132, 'a', 'on-call', 'available'),
];

function replay(): KpiCalculator {
  const kpis = new KpiCalculator();
  for (const e of TRACE) kpis.record(e);
  return kpis;
}

describe('KPIs from a replayed trace', () => {
  it('whole period', () => {
    const report = replay().report({ from: 0, to: s(200) }, s(200), { serviceLevelMs: { sales: s(20) }, members: { sales: ['a', 'b'] } });
    expect(report.queues.sales).toEqual({
      offered: 4,
      answered: 2,
      abandoned: 2,
      overflowed: 0,
      rejected: 0,
      answeredWithinThreshold: 1,
      abandonedWithinThreshold: 1,
      serviceLevel: 1 / 3,
      averageSpeedOfAnswerMs: s(37.5),
      averageHandleTimeMs: s(62.5), // (60 + 5) and (60 + 0)
      occupancy: 147 / 317, // busy a 132 + b 15, idle a 68 + b 102
    });
    expect(report.operators.a).toEqual({ offered: 2, answered: 2, missed: 0, abandoned: 0, averageHandleTimeMs: s(62.5), talkMs: s(120), occupancy: 132 / 200 });
    expect(report.operators.b).toEqual({ offered: 1, answered: 0, missed: 1, abandoned: 0, averageHandleTimeMs: null, talkMs: 0, occupancy: 15 / 117 });
  });

  it('a rolling window counts only what happened inside it', () => {
    const report = replay().report(rollingInterval(s(200), s(140)), s(200));
    expect(report.queues.sales).toMatchObject({ offered: 0, answered: 1, abandoned: 0, answeredWithinThreshold: 0, serviceLevel: 0, averageSpeedOfAnswerMs: s(70) });
    // a: on-call 60-65, wrap-up 65-70, reserved 70-72, on-call 72-132 → busy 72; idle 132-200 → 68
    expect(report.operators.a?.occupancy).toBeCloseTo(72 / 140, 10);
  });

  it('a calendar bucket clips open states at now', () => {
    const bucket = calendarInterval(s(200), { sizeMs: s(100) });
    expect(bucket).toEqual({ from: s(200), to: s(300) });
    const previous = calendarInterval(s(200), { sizeMs: s(100) }, { back: 1 });
    const report = replay().report(previous, s(200));
    expect(report.operators.a).toMatchObject({ averageHandleTimeMs: s(60), occupancy: 32 / 100 });
    expect(replay().report(bucket, s(250)).operators.a?.occupancy).toBe(0); // available 200-250
  });

  it('service level uses the queue threshold', () => {
    const report = replay().report({ from: 0, to: s(200) }, s(200), { serviceLevelMs: { sales: s(90) } });
    expect(report.queues.sales?.serviceLevel).toBe(2 / 2); // both answered within 90 s, both abandons too
  });

  it('calendar hours follow a UTC offset', () => {
    const t = Date.UTC(2024, 0, 1, 10, 30);
    expect(calendarInterval(t, 'hour')).toEqual({ from: Date.UTC(2024, 0, 1, 10), to: Date.UTC(2024, 0, 1, 11) });
    expect(calendarInterval(t, 'day', { utcOffsetMs: 2 * HOUR })).toEqual({ from: Date.UTC(2023, 11, 31, 22), to: Date.UTC(2024, 0, 1, 22) });
  });
});
