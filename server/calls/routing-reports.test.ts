import { AppError, type Acd } from '../routing';
import { withRetriedReports } from './routing-reports';

const unavailable = () => new AppError('ERR_STORE_UNAVAILABLE', 'the state store (Redis) is unavailable: timeout');

/** A routing core stand-in: records what reached the store; fails every command while `down`. */
function fakeAcd() {
  const state = { down: false, sent: [] as string[], refuse: new Set<string>(), queued: new Set<string>() };
  const run = (what: string) => {
    if (state.down) return Promise.reject(unavailable());
    if (state.refuse.has(what)) return Promise.reject(new AppError('ERR_UNKNOWN_CALL', what));
    state.sent.push(what);
    return Promise.resolve({ events: [], offers: [] });
  };
  const acd = {
    onRinging: (r: { callId: string }) => run(`ringing ${r.callId}`),
    onAnswered: (r: { callId: string }) => run(`answered ${r.callId}`),
    onNoAnswer: (r: { callId: string }) => run(`no-answer ${r.callId}`),
    onHangup: (id: string) => run(`hangup ${id}`),
    onAbandoned: (id: string) => run(`abandoned ${id}`),
    enqueue: async (c: { id: string; queueId: string }) => {
      if (state.down) throw unavailable();
      if (state.queued.has(c.id)) throw new AppError('ERR_DUPLICATE_CALL', c.id);
      state.queued.add(c.id);
      state.sent.push(`enqueue ${c.id}`);
      return { events: [], offers: [], queueId: c.queueId, position: 1 };
    },
    snapshot: function (this: unknown) { return Promise.resolve({ self: this === acd }); },
  };
  return { acd: acd as unknown as Acd, state, raw: acd };
}

/** A sleep the test releases one step at a time. */
function steps() {
  const waiting: Array<() => void> = [];
  return {
    sleep: () => new Promise<void>((resolve) => waiting.push(resolve)),
    async next() {
      for (let i = 0; i < 20 && waiting.length === 0; i++) await new Promise((r) => setImmediate(r));
      waiting.shift()?.();
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    },
  };
}

const log = { info: jest.fn(), warn: jest.fn() };

describe('routing reports across a store outage', () => {
  it('keeps failed reports, sends them again in order once the store answers, and later reports wait behind them', async () => {
    const { acd, state } = fakeAcd();
    const s = steps();
    const retried: string[] = [];
    const r = withRetriedReports(acd, { log, sleep: s.sleep, onRetried: (w) => retried.push(w) });
    state.down = true;
    await expect(r.acd.onAnswered({ callId: 'c1', operatorId: 'ann', token: 't' })).resolves.toEqual({ events: [], offers: [] });
    await r.acd.onHangup('c1');
    expect(r.kept()).toBe(2);
    await s.next(); // still down: nothing sent
    expect(state.sent).toEqual([]);
    state.down = false;
    await r.acd.onHangup('c2'); // the store answers again, but c1's reports go first
    await s.next();
    expect(state.sent).toEqual(['answered c1', 'hangup c1', 'hangup c2']);
    expect(retried).toEqual(['routing-report', 'routing-report', 'routing-report']);
    expect(r.kept()).toBe(0);
    // with nothing kept, reports go straight through
    await r.acd.onAbandoned('c3');
    expect(state.sent.at(-1)).toBe('abandoned c3');
    r.close();
  });

  it('sends nothing while the store is known to be unavailable (a command to a stopped Redis may run late, its result lost)', async () => {
    const { acd, state } = fakeAcd();
    const s = steps();
    let available = false;
    const r = withRetriedReports(acd, { log, sleep: s.sleep, storeAvailable: () => available });
    await r.acd.onHangup('c1');
    const queued = r.acd.enqueue({ id: 'c2', queueId: 'support', arrivedAt: 1 });
    await s.next();
    await s.next();
    expect(state.sent).toEqual([]);
    available = true;
    await s.next();
    await s.next();
    await expect(queued).resolves.toMatchObject({ queueId: 'support' });
    expect(state.sent.sort()).toEqual(['enqueue c2', 'hangup c1']);
    r.close();
  });

  it('drops a kept report the store refuses once it answers (it ran before the outage, or the call moved on)', async () => {
    const { acd, state } = fakeAcd();
    const s = steps();
    const r = withRetriedReports(acd, { log, sleep: s.sleep });
    state.down = true;
    await r.acd.onHangup('c1');
    await r.acd.onHangup('c2');
    state.down = false;
    state.refuse.add('hangup c1');
    await s.next();
    expect(state.sent).toEqual(['hangup c2']);
    expect(r.kept()).toBe(0);
    r.close();
  });

  it('passes other failures through, and other methods to the routing core itself', async () => {
    const { acd, state } = fakeAcd();
    const r = withRetriedReports(acd, { log });
    state.refuse.add('hangup c9');
    await expect(r.acd.onHangup('c9')).rejects.toMatchObject({ code: 'ERR_UNKNOWN_CALL' });
    await expect(r.acd.snapshot()).resolves.toEqual({ self: true });
    r.close();
  });

  it('queues a call answered just before the outage once the store answers; a duplicate means the first try ran', async () => {
    const { acd, state } = fakeAcd();
    const s = steps();
    const retried: string[] = [];
    const r = withRetriedReports(acd, { log, sleep: s.sleep, onRetried: (w) => retried.push(w) });
    state.down = true;
    const queued = r.acd.enqueue({ id: 'c1', queueId: 'support', arrivedAt: 1 });
    await s.next();
    state.down = false;
    await s.next();
    await expect(queued).resolves.toMatchObject({ queueId: 'support' });
    expect(state.sent).toEqual(['enqueue c1']);
    // the first attempt reached Redis after all: the retry finds the call there
    state.down = true;
    const again = r.acd.enqueue({ id: 'c2', queueId: 'support', arrivedAt: 1 });
    state.down = false;
    state.queued.add('c2');
    await s.next();
    await expect(again).resolves.toMatchObject({ queueId: 'support', position: 1 });
    expect(retried).toEqual(['enqueue', 'enqueue']);
    r.close();
  });

  it('gives up the enqueue when the caller leaves while it waits (no abandon report is needed), or after the longest wait', async () => {
    const { acd, state } = fakeAcd();
    const s = steps();
    const r = withRetriedReports(acd, { log, sleep: s.sleep, maxEnqueueWaitMs: 0 });
    state.down = true;
    const queued = r.acd.enqueue({ id: 'c1', queueId: 'support', arrivedAt: 1 });
    const failed = expect(queued).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    await s.next(); // one retry, still down: the longest wait (0) is over
    await failed;
    const r2 = withRetriedReports(acd, { log, sleep: s.sleep });
    const gone = r2.acd.enqueue({ id: 'c2', queueId: 'support', arrivedAt: 1 });
    await new Promise((res) => setImmediate(res));
    await expect(r2.acd.onAbandoned('c2')).resolves.toEqual({ events: [], offers: [] });
    const refused = expect(gone).rejects.toMatchObject({ code: 'ERR_CALL_GONE' });
    await s.next();
    await refused;
    expect(r2.kept()).toBe(0);
    expect(state.sent).toEqual([]);
    r.close();
    r2.close();
  });
});
