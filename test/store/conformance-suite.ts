import fc from 'fast-check';
import { isAppError, RoutingEngine, type AcdCommand, type AcdStateView, type AcdStore, type RoutingEvent } from '../../server/routing';

export interface StoreFactory {
  /** A fresh, empty store (for Redis: a new key prefix). */
  create(): Promise<AcdStore>;
}

type Outcome = { events: RoutingEvent[] } | { error: string };

/** Runs the same commands on the store under test and on the reference engine, and compares. */
export class Pair {
  readonly ref = new RoutingEngine();
  now = 1_000_000;
  private n = 0;
  readonly log: RoutingEvent[] = [];

  constructor(readonly store: AcdStore, public seed = 4242) {}

  async configure(config: unknown): Promise<string | undefined> {
    let refError: string | undefined;
    let storeError: string | undefined;
    try {
      this.ref.configure(config, this.now);
    } catch (err) {
      if (!isAppError(err)) throw err;
      refError = err.code;
    }
    try {
      const { parseRoutingConfigChange } = await import('../../server/routing');
      await this.store.configure(parseRoutingConfigChange(config), this.now);
    } catch (err) {
      if (!isAppError(err)) throw err;
      storeError = err.code;
    }
    expect(storeError).toBe(refError);
    return storeError;
  }

  async exec(command: AcdCommand): Promise<Outcome> {
    const ctx = { now: this.now, tokenBase: `t${++this.n}`, seed: this.seed };
    const expected = capture(() => this.ref.execute(command, ctx));
    const actual = await captureAsync(() => this.store.execute(command, ctx));
    expect({ command, ...actual }).toEqual({ command, ...expected });
    if ('events' in actual) this.log.push(...actual.events);
    return actual;
  }

  async events(command: AcdCommand): Promise<RoutingEvent[]> {
    const outcome = await this.exec(command);
    if ('error' in outcome) throw new Error(`${command.kind} refused: ${outcome.error}`);
    return outcome.events;
  }

  async advance(ms: number): Promise<RoutingEvent[]> {
    this.now += ms;
    const ctx = { now: this.now, tokenBase: `t${++this.n}`, seed: this.seed };
    const expected = this.ref.tick(ctx);
    const actual = await this.store.tick(ctx);
    expect(actual).toEqual(expected);
    this.log.push(...actual);
    return actual;
  }

  async compareViews(): Promise<AcdStateView> {
    const actual = sortView(await this.store.read());
    expect(actual).toEqual(sortView(this.ref.view()));
    return actual;
  }

  async offerOf(callId: string): Promise<{ token: string; operatorIds: string[] }> {
    const call = await this.store.readCall(callId);
    return { token: call?.token as string, operatorIds: call?.operatorIds ?? [] };
  }
}

function capture(fn: () => RoutingEvent[]): Outcome {
  try {
    return { events: fn() };
  } catch (err) {
    if (isAppError(err)) return { error: err.code };
    throw err;
  }
}

async function captureAsync(fn: () => Promise<RoutingEvent[]>): Promise<Outcome> {
  try {
    return { events: await fn() };
  } catch (err) {
    if (isAppError(err)) return { error: err.code };
    throw err;
  }
}

const byId = <T>(key: (t: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

export function sortView(view: AcdStateView): AcdStateView {
  return {
    queues: [...view.queues].sort(byId((q) => q.config.id)),
    operators: [...view.operators].sort(byId((o) => o.id)),
    calls: [...view.calls].sort(byId((c) => c.id)),
    timers: view.timers,
  };
}

const q = (id: string, extra: Record<string, unknown> = {}) => ({ id, strategy: 'longest-idle', ...extra });
const op = (id: string, queues: string[], skills: Record<string, number> = {}) => ({ id, skills, queues: queues.map((queue) => ({ queue, penalty: 0 })) });
const offersOf = (events: RoutingEvent[]) => events.filter((e) => e.type === 'call-offered').map((e) => (e.type === 'call-offered' ? `${e.callId}→${e.operatorIds.join('+')}` : ''));

/** The conformance suite: every adapter of AcdStore must pass it. */
export function describeAcdStoreConformance(name: string, factory: StoreFactory): void {
  describe(`AcdStore conformance: ${name}`, () => {
    let stores: AcdStore[] = [];
    const pair = async (seed?: number) => {
      const store = await factory.create();
      stores.push(store);
      return new Pair(store, seed);
    };
    afterEach(async () => {
      await Promise.all(stores.map((s) => s.close()));
      stores = [];
    });

    it('offers, answers, wraps up and frees the operator', async () => {
      const p = await pair();
      await p.configure({ queues: [q('sales', { wrapUpMs: 5000 })], operators: [op('ann', ['sales']), op('bob', ['sales'])] });
      await p.events({ kind: 'login', operatorId: 'ann' });
      p.now += 10;
      await p.events({ kind: 'login', operatorId: 'bob' });
      expect(offersOf(await p.events({ kind: 'enqueue', call: { id: 'c1', queueId: 'sales' } }))).toEqual(['c1→ann']);
      const { token } = await p.offerOf('c1');
      await p.events({ kind: 'ringing', callId: 'c1', operatorId: 'ann', token });
      p.now += 2000;
      await p.events({ kind: 'answered', callId: 'c1', operatorId: 'ann', token });
      p.now += 30_000;
      await p.events({ kind: 'hangup', callId: 'c1' });
      await p.events({ kind: 'enqueue', call: { id: 'c2', queueId: 'sales' } });
      await p.advance(4999);
      const ended = await p.advance(1);
      expect(ended[0]).toMatchObject({ type: 'operator-state', operatorId: 'ann', from: 'wrap-up', to: 'available' });
      const view = await p.compareViews();
      expect(view.queues[0]?.ahtMs).toBe(35_000);
    });

    it('keeps the original arrival of a call queued again (a transfer), ahead of later calls', async () => {
      const p = await pair();
      await p.configure({ queues: [q('first'), q('second')], operators: [op('x', ['second'])] });
      const arrivedAt = p.now;
      p.now += 60_000;
      await p.events({ kind: 'enqueue', call: { id: 'newcomer', queueId: 'second' } });
      p.now += 1000;
      await p.events({ kind: 'enqueue', call: { id: 'transferred', queueId: 'second', arrivedAt } });
      const view = await p.compareViews();
      expect(view.calls.find((c) => c.id === 'transferred')).toMatchObject({ arrivedAt, enqueuedAt: p.now });
      expect(offersOf(await p.events({ kind: 'login', operatorId: 'x' }))).toEqual(['transferred→x']);
    });

    it('serves one operator’s queues by priority, then longest wait', async () => {
      const p = await pair();
      await p.configure({ queues: [q('a'), q('b'), q('c')], operators: [op('x', ['a', 'b', 'c'])] });
      await p.events({ kind: 'enqueue', call: { id: 'late', queueId: 'a' } });
      p.now -= 500; // arrival order is what counts, not command order
      await p.events({ kind: 'enqueue', call: { id: 'early', queueId: 'b' } });
      p.now += 1000;
      await p.events({ kind: 'enqueue', call: { id: 'vip', queueId: 'c', priority: 5 } });
      const served: string[] = [];
      await p.events({ kind: 'login', operatorId: 'x' });
      for (let i = 0; i < 3; i++) {
        const view = await p.store.read();
        const callId = view.operators[0]?.callId as string;
        served.push(callId);
        const { token } = await p.offerOf(callId);
        await p.events({ kind: 'answered', callId, operatorId: 'x', token });
        await p.events({ kind: 'hangup', callId });
      }
      expect(served).toEqual(['vip', 'early', 'late']);
    });

    it('no-answer pauses and returns the call to the head; expiry frees a reservation nobody reported', async () => {
      const p = await pair();
      await p.configure({ queues: [q('s', { ringTimeoutMs: 10_000 })], operators: [op('a', ['s']), op('b', ['s'])] });
      await p.events({ kind: 'login', operatorId: 'a' });
      await p.events({ kind: 'enqueue', call: { id: 'c1', queueId: 's' } });
      await p.events({ kind: 'enqueue', call: { id: 'c2', queueId: 's' } });
      const { token } = await p.offerOf('c1');
      await p.events({ kind: 'no-answer', callId: 'c1', operatorId: 'a', token });
      expect((await p.compareViews()).queues[0]?.waiting).toEqual(['c1', 'c2']);
      await p.events({ kind: 'login', operatorId: 'b' });
      const expired = await p.advance(10_000); // b's process died before ringing
      expect(expired.find((e) => e.type === 'offer-withdrawn')).toMatchObject({ operatorId: 'b', reason: 'expired' });
      expect(offersOf(expired)).toEqual(['c1→b']);
      await p.compareViews();
    });

    it.each([
      ['busy', { state: 'paused', reason: 'busy' }],
      ['declined', { state: 'paused', reason: 'declined' }],
      ['failed', { state: 'reserved' }],
      ['unreachable', { state: 'paused', reason: 'device-unreachable' }],
    ] as const)('a no-answer caused %s pauses with that reason, or not at all for our own failure', async (cause, expected) => {
      const p = await pair();
      await p.configure({ queues: [q('s')], operators: [op('a', ['s'])] });
      await p.events({ kind: 'login', operatorId: 'a' });
      await p.events({ kind: 'enqueue', call: { id: 'c1', queueId: 's' } });
      const { token } = await p.offerOf('c1');
      const events = await p.events({ kind: 'no-answer', callId: 'c1', operatorId: 'a', token, cause });
      const view = await p.compareViews();
      expect(view.operators.find((o) => o.id === 'a')).toMatchObject(expected);
      // not paused: the call is offered to the same operator again at once
      if (cause === 'failed') expect(offersOf(events)).toEqual(['c1→a']);
    });

    it('an unreachable operator is paused even where the queue does not pause after a missed offer', async () => {
      const p = await pair();
      await p.configure({ queues: [q('s', { noAnswerPause: null })], operators: [op('a', ['s'])] });
      await p.events({ kind: 'login', operatorId: 'a' });
      await p.events({ kind: 'enqueue', call: { id: 'c1', queueId: 's' } });
      const { token } = await p.offerOf('c1');
      const events = await p.events({ kind: 'no-answer', callId: 'c1', operatorId: 'a', token, cause: 'unreachable' });
      expect(offersOf(events)).toEqual([]);
      expect((await p.compareViews()).operators.find((o) => o.id === 'a')).toMatchObject({ state: 'paused', reason: 'device-unreachable' });
    });

    it('overflows by length and by wait, then turns calls away', async () => {
      const p = await pair();
      await p.configure({ queues: [q('a', { maxLength: 1, maxWaitMs: 20_000, overflow: { queue: 'b' } }), q('b', { maxLength: 1 })], operators: [] });
      await p.events({ kind: 'enqueue', call: { id: 'c1', queueId: 'a' } });
      expect((await p.events({ kind: 'enqueue', call: { id: 'c2', queueId: 'a' } }))[0]).toMatchObject({ type: 'call-overflowed', toQueueId: 'b' });
      expect((await p.events({ kind: 'enqueue', call: { id: 'c3', queueId: 'a' } })).map((e) => e.type)).toEqual(['call-overflowed', 'call-rejected']);
      expect((await p.advance(20_000)).map((e) => e.type)).toEqual(['call-overflowed', 'call-rejected']);
      await p.compareViews();
    });

    it('ring-all: the first answer wins and the others are released', async () => {
      const p = await pair();
      await p.configure({ queues: [q('r', { strategy: 'ring-all' })], operators: [op('a', ['r']), op('b', ['r']), op('c', ['r'])] });
      for (const id of ['a', 'b', 'c']) await p.events({ kind: 'login', operatorId: id });
      await p.events({ kind: 'enqueue', call: { id: 'c1', queueId: 'r' } });
      await p.events({ kind: 'enqueue', call: { id: 'c2', queueId: 'r' } });
      const { token } = await p.offerOf('c1');
      const events = await p.events({ kind: 'answered', callId: 'c1', operatorId: 'c', token });
      expect(offersOf(events)).toEqual(['c2→a+b']);
      await p.compareViews();
    });

    it('relaxes skills over time', async () => {
      const p = await pair();
      await p.configure({ queues: [q('fr', { skills: [{ name: 'fr', level: 8 }], relaxation: [{ afterMs: 15_000, drop: 4 }] })], operators: [op('a', ['fr'], { fr: 5 })] });
      await p.events({ kind: 'login', operatorId: 'a' });
      await p.events({ kind: 'enqueue', call: { id: 'c1', queueId: 'fr' } });
      expect(offersOf(await p.advance(14_999))).toEqual([]);
      expect(offersOf(await p.advance(1))).toEqual(['c1→a']);
    });

    it('refuses bad commands with stable codes and changes nothing', async () => {
      const p = await pair();
      await p.configure({ queues: [q('s')], operators: [op('a', ['s'])] });
      await p.events({ kind: 'enqueue', call: { id: 'c1', queueId: 's' } });
      const before = sortView(await p.store.read());
      const cases: Array<[AcdCommand, string]> = [
        [{ kind: 'enqueue', call: { id: 'c2', queueId: 'nope' } }, 'ERR_UNKNOWN_QUEUE'],
        [{ kind: 'enqueue', call: { id: 'c1', queueId: 's' } }, 'ERR_DUPLICATE_CALL'],
        [{ kind: 'login', operatorId: 'ghost' }, 'ERR_UNKNOWN_OPERATOR'],
        [{ kind: 'hangup', callId: 'ghost' }, 'ERR_UNKNOWN_CALL'],
        [{ kind: 'set-available', operatorId: 'a' }, 'ERR_ILLEGAL_TRANSITION'],
        [{ kind: 'answered', callId: 'c1', operatorId: 'a', token: 'forged' }, 'ERR_STALE_OFFER'],
      ];
      for (const [command, code] of cases) expect(await p.exec(command)).toEqual({ error: code });
      expect(sortView(await p.store.read())).toEqual(before);
      expect(await p.configure({ queues: [q('s', { overflow: { queue: 's' } })] })).toBe('ERR_INVALID_CONFIG');
    });

    it('reads one queue with its members and calls', async () => {
      const p = await pair();
      await p.configure({ queues: [q('a'), q('b')], operators: [op('x', ['a']), op('y', ['b'])] });
      await p.events({ kind: 'enqueue', call: { id: 'c1', queueId: 'a' } });
      await p.events({ kind: 'enqueue', call: { id: 'c2', queueId: 'b' } });
      const view = await p.store.read({ queueIds: ['a'] });
      expect(view.queues.map((x) => x.config.id)).toEqual(['a']);
      expect(view.operators.map((o) => o.id)).toEqual(['x']);
      expect(view.calls.map((c) => c.id)).toEqual(['c1']);
      expect(await p.store.readCall('c2')).toMatchObject({ id: 'c2', queueId: 'b', state: 'waiting' });
      expect(await p.store.readCall('zz')).toBeUndefined();
    });

    it('matches the reference engine event for event over random command sequences', async () => {
      const QUEUES = ['q1', 'q2'];
      const OPS = ['a', 'b', 'c'];
      const seen = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(
          fc.tuple(
            fc.constantFrom('longest-idle', 'round-robin', 'fewest-calls', 'least-talk-time', 'ring-all', 'random'),
            fc.constantFrom('longest-idle', 'round-robin', 'random'),
            fc.constantFrom(0, 2000),
            fc.constantFrom<number | undefined>(undefined, 1, 2),
          ),
          fc.array(fc.tuple(fc.nat(12), fc.nat(11), fc.nat(1000)), { minLength: 20, maxLength: 60, size: 'max' }),
          fc.nat(233_279),
          async ([s1, s2, wrapUpMs, maxLength], steps, seed) => {
            const p = await pair(seed);
            await p.configure({
              queues: [
                q('q1', { strategy: s1, wrapUpMs, maxLength, overflow: { queue: 'q2' }, maxWaitMs: 9000, skills: [{ name: 'x', level: 4 }], relaxation: [{ afterMs: 3000, drop: 4 }] }),
                q('q2', { strategy: s2, ringTimeoutMs: 4000, noAnswerPause: null }),
              ],
              operators: [op('a', ['q1', 'q2'], { x: 5 }), op('b', ['q1']), op('c', ['q2'])],
            });
            // step kinds: 0-1 enqueue, 2 login, 3 pause/resume, 4-6 offer reports, 7-8 hang-up, 9 logout/end wrap-up, 10 extend, 11-12 time
            const KIND = [0, 0, 1, 2, 3, 3, 3, 5, 5, 6, 7, 8, 8];
            for (const [k, i, j] of steps) {
              const kind = KIND[k] as number;
              const callId = `c${i}`;
              const operatorId = OPS[j % OPS.length] as string;
              if (kind === 0) await p.exec({ kind: 'enqueue', call: { id: callId, queueId: QUEUES[j % 2] as string, priority: j % 3 } });
              else if (kind === 1) await p.exec({ kind: 'login', operatorId });
              else if (kind === 2) await p.exec(j % 2 ? { kind: 'pause', operatorId, reason: 'r' } : { kind: 'set-available', operatorId });
              else if (kind === 3 || kind === 4) {
                // mostly aim at a call that is being offered, so answers and no-answers happen
                const offered = (await p.store.read()).calls.filter((c) => c.state === 'offered').sort((x, y) => (x.id < y.id ? -1 : 1));
                const call = offered.length && j % 5 ? offered[i % offered.length] : await p.store.readCall(callId);
                const target = call?.operatorIds?.[j % (call.operatorIds.length || 1)] ?? operatorId;
                await p.exec({ kind: (['answered', 'answered', 'no-answer', 'ringing'] as const)[j % 4] as 'answered', callId: call?.id ?? callId, operatorId: target, token: call?.token ?? 'x' });
              } else if (kind === 5) await p.exec({ kind: j % 4 === 0 ? 'abandon' : 'hangup', callId });
              else if (kind === 6) await p.exec(j % 3 === 0 ? { kind: 'logout', operatorId, force: j % 2 === 0 } : { kind: 'end-wrap-up', operatorId });
              else if (kind === 7) await p.exec({ kind: 'extend-wrap-up', operatorId, ms: 1000 });
              else await p.advance((j % 5) * 1500);
            }
            await p.compareViews();
            for (const e of p.log) seen.set(e.type, (seen.get(e.type) ?? 0) + 1);
            await p.store.close();
          },
        ),
        { numRuns: 100, seed: 7 },
      );
      // the sequences must reach the interesting paths, or the comparison proves little
      for (const [type, min] of [['call-offered', 150], ['call-answered', 50], ['call-completed', 20], ['call-overflowed', 30], ['call-returned', 50], ['call-abandoned', 30]] as const) {
        expect([type, seen.get(type) ?? 0]).toEqual([type, expect.any(Number)]);
        expect(seen.get(type) ?? 0).toBeGreaterThanOrEqual(min);
      }
    });
  });
}
