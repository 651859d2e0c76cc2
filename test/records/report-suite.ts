/**
 * Reports against a seeded synthetic day whose answers the test computes itself, in plain
 * TypeScript (local hours from Intl, percentiles by nearest rank), never from the SQL.
 */
import type { CallOutcome, CallRecord, CallSegment, OperatorActivity } from '../../server/records/model';
import type { ReportQuery } from '../../server/records/report-types';
import type { RecordStoreFactory } from './conformance-suite';

const TZ = 'Europe/Berlin';
/** 2026-03-02 00:00 in Berlin (UTC+1) is 2026-03-01 23:00 UTC. */
const DAY = Date.UTC(2026, 2, 1, 23, 0, 0);
const H = 3_600_000;
const SHORT = 5;
const SL: Record<string, number> = { support: 20, sales: 30 };
const OPERATORS = ['alice', 'bob', 'carol'];

/** A small deterministic generator (LCG), so the day is the same on every run. */
function rng(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
}

interface Synth { rec: CallRecord; wrapUp: number; transfers: number }

function seedDay(): Synth[] {
  const r = rng(7);
  const out: Synth[] = [];
  for (let i = 0; i < 240; i++) {
    // most calls in office hours, a few in the first local hour and a few on the day before / after
    const arrivedAt = i < 6 ? DAY - H + r(H) : i < 12 ? DAY + 24 * H + r(H) : i < 20 ? DAY + r(H) : DAY + 7 * H + r(11 * H);
    const queue = r(3) === 0 ? 'sales' : 'support';
    const roll = r(10);
    const outcome: CallOutcome = roll < 7 ? 'answered' : roll < 9 ? 'abandoned' : 'overflow';
    const wait = outcome === 'abandoned' && r(3) === 0 ? r(SHORT) : r(60);
    const operatorId = OPERATORS[r(3)] as string;
    const segments: CallSegment[] = [{ seq: 1, kind: 'queued', startedAt: arrivedAt, endedAt: arrivedAt + wait * 1000, queue }];
    let rec: CallRecord;
    let wrapUp = 0;
    let transfers = 0;
    if (outcome === 'answered') {
      const talk = 30 + r(600);
      const hold = r(4) === 0 ? r(talk) : 0;
      wrapUp = r(45);
      const answeredAt = arrivedAt + wait * 1000;
      const endedAt = answeredAt + talk * 1000;
      segments.push({ seq: 2, kind: 'answered', startedAt: answeredAt, endedAt, queue, operatorId });
      if (hold > 0) segments.push({ seq: 3, kind: 'held', startedAt: answeredAt + 1000, endedAt: answeredAt + 1000 + hold * 1000, operatorId });
      if (r(8) === 0) {
        transfers = 1;
        segments.push({ seq: 4, kind: 'transferred', startedAt: endedAt - 1000, endedAt, operatorId, target: 'queue:sales', result: 'completed' });
      }
      if (r(10) === 0) segments.push({ seq: 5, kind: 'transferred', startedAt: endedAt - 2000, endedAt: endedAt - 1500, operatorId, target: 'operator:bob', result: 'failed' });
      segments.push({ seq: 6, kind: 'wrap-up', startedAt: endedAt, endedAt: endedAt + wrapUp * 1000, operatorId });
      rec = {
        callId: `day-${i}`, direction: 'inbound', queue, trunkId: 'pstn', caller: `+49301000${i}`, number: '100', operatorId, instanceId: 'i1',
        outcome, arrivedAt, answeredAt, endedAt, waitSeconds: wait, talkSeconds: talk, holdSeconds: hold, segments,
      };
    } else {
      rec = {
        callId: `day-${i}`, direction: 'inbound', queue, trunkId: 'pstn', caller: `+49301000${i}`, number: '100', instanceId: 'i1',
        outcome, arrivedAt, endedAt: arrivedAt + wait * 1000, waitSeconds: wait, talkSeconds: 0, holdSeconds: 0, segments,
      };
    }
    out.push({ rec, wrapUp, transfers });
  }
  // one live call in the day: not counted
  out.push({ rec: { callId: 'day-live', direction: 'inbound', queue: 'support', trunkId: 'pstn', caller: '+4930999', number: '100', instanceId: 'i1', arrivedAt: DAY + 9 * H, waitSeconds: 0, talkSeconds: 0, holdSeconds: 0, segments: [] }, wrapUp: 0, transfers: 0 });
  return out;
}

const localHour = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
  .formatToParts(ms).reduce((acc, p) => ({ ...acc, [p.type]: p.value }), {} as Record<string, string>);
const hourLabel = (ms: number) => {
  const p = localHour(ms);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:00`;
};

function expectedQueue(calls: Synth[]) {
  const done = calls.filter((c) => c.rec.endedAt !== undefined);
  const answered = done.filter((c) => c.rec.answeredAt !== undefined);
  const abandoned = done.filter((c) => c.rec.outcome === 'abandoned');
  const short = abandoned.filter((c) => c.rec.waitSeconds < SHORT);
  const sl = SL[done[0]?.rec.queue ?? ''] ?? 20;
  const within = answered.filter((c) => c.rec.waitSeconds <= sl).length;
  const waits = answered.map((c) => c.rec.waitSeconds).sort((a, b) => a - b);
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return {
    offered: done.length,
    answered: answered.length,
    abandoned: abandoned.length - short.length,
    shortAbandoned: short.length,
    otherUnanswered: done.length - answered.length - abandoned.length,
    answeredWithinThreshold: within,
    serviceLevelPercent: done.length - short.length > 0 ? (100 * within) / (done.length - short.length) : null,
    asaSeconds: avg(waits),
    asaP90Seconds: waits.length ? waits[Math.ceil((waits.length * 9) / 10) - 1] : null,
    ahtSeconds: avg(answered.map((c) => c.rec.talkSeconds + c.wrapUp)),
    holdSeconds: done.reduce((a, c) => a + c.rec.holdSeconds, 0),
    wrapUpSeconds: done.reduce((a, c) => a + c.wrapUp, 0),
    transfers: done.reduce((a, c) => a + c.transfers, 0),
    longestWaitSeconds: Math.max(...done.map((c) => c.rec.waitSeconds)),
  };
}

/** Alice's and Bob's day as state changes (seconds after local midnight). */
const SHIFTS: Record<string, Array<[number, string, string?]>> = {
  alice: [[8 * 3600, 'paused', 'login'], [8 * 3600 + 300, 'available'], [9 * 3600, 'on-call'], [9 * 3600 + 600, 'wrap-up'], [9 * 3600 + 660, 'available'],
    [10 * 3600, 'paused', 'break'], [10 * 3600 + 900, 'available'], [12 * 3600, 'paused', 'lunch'], [12 * 3600 + 1800, 'available'], [16 * 3600, 'offline']],
  bob: [[7 * 3600 + 1800, 'available'], [8 * 3600 + 1200, 'on-call'], [8 * 3600 + 2400, 'available'], [11 * 3600, 'paused', 'break'], [11 * 3600 + 600, 'offline'],
    [13 * 3600, 'available'], [15 * 3600 + 1800, 'offline']],
};

export function describeReports(name: string, factory: RecordStoreFactory): void {
  describe(`reports on a synthetic day: ${name}`, () => {
    const day = seedDay();
    let store: Awaited<ReturnType<RecordStoreFactory['create']>>;
    beforeAll(async () => {
      store = await factory.create();
      await store.saveCalls(day.map((c) => c.rec));
      for (const [operatorId, changes] of Object.entries(SHIFTS)) {
        for (const [s, state, reason] of changes) {
          const a: OperatorActivity = { operatorId, state, at: DAY + s * 1000, instanceId: 'i1' };
          if (reason) a.reason = reason;
          await store.recordActivity(a);
        }
      }
    });
    afterAll(async () => store?.close());

    const query = (over: Partial<ReportQuery> = {}): ReportQuery => ({
      from: DAY, to: DAY + 24 * H, interval: 'range', timeZone: TZ, shortAbandonSeconds: SHORT,
      serviceLevelSeconds: SL, defaultServiceLevelSeconds: 20, ...over,
    });
    const inDay = day.filter((c) => c.rec.arrivedAt >= DAY && c.rec.arrivedAt < DAY + 24 * H);

    it('per queue over the whole day: every figure as computed independently', async () => {
      const rows = await store.queueReport(query());
      expect(rows.map((r) => r.queue)).toEqual(['sales', 'support']);
      for (const row of rows) {
        const exp = expectedQueue(inDay.filter((c) => c.rec.queue === row.queue));
        expect(exp.offered).toBeGreaterThan(20);
        expect(exp.shortAbandoned).toBeGreaterThan(0);
        const { asaSeconds, serviceLevelPercent, ahtSeconds, ...exact } = exp;
        expect(row).toMatchObject({ bucket: DAY, bucketLabel: '2026-03-02 00:00', queue: row.queue, ...exact });
        expect(row.asaSeconds).toBeCloseTo(asaSeconds as number, 9);
        expect(row.serviceLevelPercent).toBeCloseTo(serviceLevelPercent as number, 9);
        expect(row.ahtSeconds).toBeCloseTo(ahtSeconds as number, 9);
      }
    });

    it('per queue by local hour, including the first hour after local midnight', async () => {
      const rows = await store.queueReport(query({ interval: 'hour', queue: 'support' }));
      const groups = new Map<string, Synth[]>();
      for (const c of inDay.filter((x) => x.rec.queue === 'support' && x.rec.endedAt !== undefined)) {
        const label = hourLabel(c.rec.arrivedAt);
        groups.set(label, [...(groups.get(label) ?? []), c]);
      }
      expect(rows.map((r) => r.bucketLabel)).toEqual([...groups.keys()].sort());
      expect(rows[0]).toMatchObject({ bucketLabel: '2026-03-02 00:00', bucket: DAY });
      for (const row of rows) {
        const exp = expectedQueue(groups.get(row.bucketLabel) ?? []);
        expect(row).toMatchObject({ offered: exp.offered, answered: exp.answered, abandoned: exp.abandoned, shortAbandoned: exp.shortAbandoned, asaP90Seconds: exp.asaP90Seconds });
      }
      const q15 = await store.queueReport(query({ interval: '15m', queue: 'support' }));
      expect(q15.reduce((a, r) => a + r.offered, 0)).toBe(rows.reduce((a, r) => a + r.offered, 0));
      expect(q15.every((r) => (r.bucket - DAY) % 900_000 === 0)).toBe(true);
    });

    it('per operator: calls, login and pause time by reason, occupancy', async () => {
      const rows = await store.operatorReport(query());
      for (const op of OPERATORS) {
        const mine = inDay.filter((c) => c.rec.operatorId === op && c.rec.answeredAt !== undefined);
        const row = rows.find((r) => r.operatorId === op);
        expect(row).toMatchObject({ answered: mine.length, transfers: mine.reduce((a, c) => a + c.transfers, 0), talkSeconds: mine.reduce((a, c) => a + c.rec.talkSeconds, 0) });
        expect(row?.ahtSeconds).toBeCloseTo(mine.reduce((a, c) => a + c.rec.talkSeconds + c.wrapUp, 0) / mine.length, 9);
      }
      const alice = rows.find((r) => r.operatorId === 'alice');
      // 08:00-16:00 signed in; paused: login 300 + break 900 + lunch 1800; on a call 600 + wrap-up 60
      expect(alice).toMatchObject({ loginSeconds: 8 * 3600, pausedSeconds: 3000, pauseByReason: { login: 300, break: 900, lunch: 1800 } });
      expect(alice?.occupancyPercent).toBeCloseTo((100 * 660) / (8 * 3600 - 3000), 9);
      const bob = rows.find((r) => r.operatorId === 'bob');
      expect(bob).toMatchObject({ loginSeconds: 3.5 * 3600 + 600 + 2.5 * 3600, pausedSeconds: 600, pauseByReason: { break: 600 } });
      // cut at the edges of hour buckets: alice's 10:00-10:15 break lies in the 10:00 bucket
      const hourly = await store.operatorReport(query({ interval: 'hour', operatorId: 'alice' }));
      expect(hourly.find((r) => r.bucketLabel === '2026-03-02 10:00')).toMatchObject({ loginSeconds: 3600, pausedSeconds: 900 });
      expect(hourly.find((r) => r.bucketLabel === '2026-03-02 08:00')).toMatchObject({ loginSeconds: 3600, pausedSeconds: 300 });
      expect(hourly.reduce((a, r) => a + r.loginSeconds, 0)).toBe(8 * 3600);
    });

    it('shift report: first sign-in and last sign-out per local day', async () => {
      const rows = await store.shiftReport({ from: DAY, to: DAY + 24 * H, timeZone: TZ });
      expect(rows).toEqual([
        { operatorId: 'alice', day: '2026-03-02', firstSignIn: DAY + 8 * H, lastSignOut: DAY + 16 * H, loginSeconds: 8 * 3600 },
        { operatorId: 'bob', day: '2026-03-02', firstSignIn: DAY + 7.5 * H, lastSignOut: DAY + 15.5 * H, loginSeconds: 3.5 * 3600 + 600 + 2.5 * 3600 },
      ]);
    });

    it('follows the centre\'s clock across a daylight saving change (Berlin, 29 March 2026: no 02:00)', async () => {
      const midnight = Date.UTC(2026, 2, 28, 23); // 00:00 CET
      const six = Date.UTC(2026, 2, 29, 4); // 06:00 CEST: five hours later
      await store.recordActivity({ operatorId: 'dst-op', state: 'available', at: midnight, instanceId: 'i1' });
      await store.recordActivity({ operatorId: 'dst-op', state: 'offline', at: six, instanceId: 'i1' });
      const day = await store.operatorReport(query({ from: midnight, to: midnight + 23 * H, interval: 'day', operatorId: 'dst-op' }));
      expect(day).toEqual([expect.objectContaining({ bucket: midnight, bucketLabel: '2026-03-29 00:00', loginSeconds: 5 * 3600 })]);
      const hours = await store.operatorReport(query({ from: midnight, to: midnight + 23 * H, interval: 'hour', operatorId: 'dst-op' }));
      expect(hours.map((r) => r.bucketLabel)).toEqual(['00', '01', '03', '04', '05'].map((h) => `2026-03-29 ${h}:00`));
      expect(hours.every((r) => r.loginSeconds === 3600)).toBe(true);
    });

    it('refuses a bad range or time zone with a typed error', async () => {
      await expect(store.queueReport(query({ to: DAY }))).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
      await expect(store.queueReport(query({ timeZone: 'Mars/Olympus' }))).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
      await expect(store.queueReport(query({ interval: '15m', to: DAY + 400 * 24 * H }))).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    });
  });
}
