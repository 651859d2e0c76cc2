import type { OperatorRow, QueueRow } from './report-contract';
import { bucketStarts, operatorSeries, operatorTable, queueSeries } from './report-series';

const DAY = Date.parse('2026-03-01T23:00:00Z'); // 2026-03-02 00:00 in Berlin
const H = 3_600_000;

function queueRow(over: Partial<QueueRow>): QueueRow {
  return {
    bucket: DAY, bucketLabel: '', queue: 'support', offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, otherUnanswered: 0,
    answeredWithinThreshold: 0, serviceLevelPercent: null, asaSeconds: null, asaP90Seconds: null, ahtSeconds: null, transfers: 0,
    longestWaitSeconds: null, ...over,
  };
}

function operatorRow(over: Partial<OperatorRow>): OperatorRow {
  return {
    bucket: DAY, bucketLabel: '', operatorId: 'alice', answered: 0, talkSeconds: 0, holdSeconds: 0, wrapUpSeconds: 0, ahtSeconds: null,
    transfers: 0, loginSeconds: 0, pausedSeconds: 0, pauseByReason: {}, occupancyPercent: null, ...over,
  };
}

describe('report series', () => {
  it.each([
    ['15m', '2026-03-02', '2026-03-02', 96],
    ['hour', '2026-03-02', '2026-03-03', 48],
    ['day', '2026-03-02', '2026-03-08', 7],
    // the spring-forward day has 23 local hours
    ['hour', '2026-03-29', '2026-03-29', 23],
  ] as const)('every %s bucket from %s to %s: %i', (interval, from, to, n) => {
    const starts = bucketStarts(from, to, interval, 'Europe/Berlin');
    expect(starts).toHaveLength(n);
    expect(new Set(starts).size).toBe(n);
  });

  it('sums queues per bucket; empty buckets count 0 and have no rates', () => {
    const starts = bucketStarts('2026-03-02', '2026-03-02', 'hour', 'Europe/Berlin');
    const s = queueSeries([
      queueRow({ bucket: DAY + 9 * H, offered: 4, answered: 3, abandoned: 1, answeredWithinThreshold: 2, asaSeconds: 10 }),
      queueRow({ bucket: DAY + 9 * H, queue: 'sales', offered: 2, answered: 1, shortAbandoned: 1, answeredWithinThreshold: 1, asaSeconds: 30 }),
    ], starts);
    expect(s.x).toHaveLength(24);
    expect(s.x[9]).toBe((DAY + 9 * H) / 1000);
    expect([s.offered[9], s.answered[9], s.abandoned[9]]).toEqual([6, 4, 1]);
    // 3 within of 6 offered less 1 short abandon
    expect(s.serviceLevel[9]).toBeCloseTo(60, 9);
    // weighted by answered calls: (3·10 + 1·30) / 4
    expect(s.asa[9]).toBe(15);
    expect([s.offered[8], s.serviceLevel[8], s.asa[8]]).toEqual([0, null, null]);
  });

  it('one line per operator', () => {
    const starts = bucketStarts('2026-03-02', '2026-03-02', 'day', 'Europe/Berlin');
    const s = operatorSeries([operatorRow({ operatorId: 'bob', answered: 2, occupancyPercent: 40 }), operatorRow({ answered: 5, occupancyPercent: 80 })], starts);
    expect(s.operators).toEqual(['alice', 'bob']);
    expect(s.answered).toEqual([[5], [2]]);
    expect(s.occupancy).toEqual([[80], [40]]);
  });

  it('the operator table takes the earliest sign-in and latest sign-out of the range', () => {
    const rows = operatorTable([operatorRow({ answered: 5 })], [
      { operatorId: 'alice', day: '2026-03-02', firstSignIn: DAY + 8 * H, lastSignOut: DAY + 16 * H, loginSeconds: 8 * 3600 },
      { operatorId: 'alice', day: '2026-03-03', firstSignIn: DAY + 31 * H, lastSignOut: DAY + 40 * H, loginSeconds: 9 * 3600 },
      { operatorId: 'carol', day: '2026-03-02', firstSignIn: DAY + 10 * H, lastSignOut: null, loginSeconds: 3600 },
    ]);
    expect(rows.map((r) => [r.operatorId, r.answered, r.firstSignIn, r.lastSignOut])).toEqual([
      ['alice', 5, DAY + 8 * H, DAY + 40 * H],
      ['carol', 0, DAY + 10 * H, null],
    ]);
  });
});
