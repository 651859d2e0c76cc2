import { Acd, type AcdLogger } from './acd';
import { RoutingEngine } from './engine';
import { isAppError } from './errors';
import type { AcdStore } from './port';
import type { RoutingEvent } from './types';
import { expectedWaitMs } from './views';

/** The real AcdStore interface over the engine (the memory adapter in server/store does the same). */
function engineStore(): AcdStore {
  const engine = new RoutingEngine();
  return {
    configure: async (config, now) => engine.configure(config, now),
    execute: async (cmd, ctx) => engine.execute(cmd, ctx),
    tick: async (ctx) => engine.tick(ctx),
    read: async (scope) => engine.view(scope),
    readCall: async (id) => engine.callRecord(id),
    expiredInstances: async (now) => engine.expiredInstances(now),
    close: async () => undefined,
  };
}

function setup() {
  let now = 1_000_000;
  let id = 0;
  const lines: Array<{ bindings: Record<string, unknown>; obj: object; msg?: string }> = [];
  const logger = (bindings: Record<string, unknown> = {}): AcdLogger => ({
    info: (obj, msg) => lines.push({ bindings, obj, msg }),
    warn: (obj, msg) => lines.push({ bindings, obj, msg }),
    child: (more) => logger({ ...bindings, ...more }),
  });
  const acd = new Acd({ store: engineStore(), now: () => now, newId: () => `id${++id}`, random: () => 0.5, logger: logger() });
  return { acd, lines, advance: (ms: number) => (now += ms), time: () => now };
}

const config = {
  queues: [{ id: 'sales', strategy: 'longest-idle', maxLength: 1, wrapUpMs: 10_000, defaultHandleMs: 120_000 }],
  operators: [{ id: 'ann', queues: [{ queue: 'sales' }] }, { id: 'bob', queues: [{ queue: 'sales' }] }],
};

describe('Acd facade', () => {
  it('returns, emits and logs decisions with their explanation', async () => {
    const { acd, lines } = setup();
    await acd.configure(config);
    const seen: RoutingEvent[] = [];
    acd.on('call-offered', (e) => seen.push(e));
    await acd.operatorLogin('ann');
    const result = await acd.enqueue({ id: 'c1', queueId: 'sales' });
    expect(result.queueId).toBe('sales');
    expect(result.offers).toHaveLength(1);
    expect(result.offers[0]).toMatchObject({ callId: 'c1', operatorIds: ['ann'], token: 'id2.1' });
    expect(seen).toEqual(result.offers);
    const logged = lines.find((l) => l.msg?.startsWith('longest-idle picked ann'));
    expect(logged?.bindings).toEqual({ callId: 'c1', queue: 'sales', operatorId: 'ann' });
    expect(logged?.obj).toMatchObject({ explanation: { eligible: [{ operatorId: 'ann' }] } });
  });

  it('turns a call away with ERR_QUEUE_FULL and counts it', async () => {
    const { acd } = setup();
    await acd.configure(config);
    await acd.enqueue({ id: 'c1', queueId: 'sales' });
    const err = await acd.enqueue({ id: 'c2', queueId: 'sales' }).catch((e: unknown) => e);
    expect(isAppError(err, 'ERR_QUEUE_FULL')).toBe(true);
    const report = await acd.report({ from: 0, to: 2_000_000 });
    expect(report.queues.sales).toMatchObject({ offered: 1, rejected: 1 });
  });

  it('reports position and expected wait', async () => {
    const { acd } = setup();
    await acd.configure({ ...config, queues: [{ ...config.queues[0], maxLength: 10 }] });
    await acd.operatorLogin('ann');
    await acd.operatorLogin('bob');
    const first = await acd.enqueue({ id: 'c1', queueId: 'sales' });
    await acd.enqueue({ id: 'c2', queueId: 'sales' });
    const third = await acd.enqueue({ id: 'c3', queueId: 'sales' });
    expect(third.position).toBe(1);
    const waiting = await acd.enqueue({ id: 'c4', queueId: 'sales' });
    expect(waiting.position).toBe(2);
    expect(await acd.position('c4')).toMatchObject({ position: 2, expectedWaitMs: expectedWaitMs(2, 2, 120_000) });
    expect(await acd.position(first.offers[0]?.callId as string)).toBeNull(); // ringing, not waiting
    const snap = await acd.snapshot();
    expect(snap.queues[0]).toMatchObject({ id: 'sales', offered: 2, operators: { reserved: 2 } });
    expect(snap.queues[0]?.waiting.map((w) => w.callId)).toEqual(['c3', 'c4']);
  });

  it('drives a call end to end and validates input', async () => {
    const { acd, advance } = setup();
    await acd.configure(config);
    await acd.operatorLogin('ann');
    const { offers } = await acd.enqueue({ id: 'c1', queueId: 'sales' });
    const ref = { callId: 'c1', operatorId: 'ann', token: offers[0]?.token as string };
    await acd.onRinging(ref);
    advance(3000);
    await acd.onAnswered(ref);
    advance(60_000);
    await acd.onHangup('c1');
    await acd.extendWrapUp('ann', 5000);
    advance(14_999);
    expect((await acd.tick()).events).toEqual([]);
    advance(1);
    expect((await acd.tick()).events[0]).toMatchObject({ type: 'operator-state', from: 'wrap-up', to: 'available' });
    await expect(acd.pause('ann', '')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    await expect(acd.extendWrapUp('ann', -1)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    await expect(acd.configure({ queues: [{ id: 'x', strategy: 'psychic' }] })).rejects.toMatchObject({ code: 'ERR_INVALID_CONFIG' });
    acd.close();
    acd.close();
    await expect(acd.snapshot()).rejects.toMatchObject({ code: 'ERR_INVALID_STATE' });
  });

  it('wraps store failures in ERR_STORE with the cause', async () => {
    const broken = { ...engineStore(), execute: async () => { throw new Error('connection lost'); } };
    const acd = new Acd({ store: broken, now: () => 0, newId: () => 'x', random: () => 0 });
    const err = await acd.setAvailable('ann').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_STORE', message: 'routing store failed: connection lost' });
    expect((err as Error).cause).toBeInstanceOf(Error);
  });
});
