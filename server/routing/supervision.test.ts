import { Acd } from './acd';
import { isAppError } from './errors';
import { RoutingEngine } from './engine';
import type { AcdStore } from './port';
import { calendarInterval } from './intervals';

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

async function setup() {
  const now = 1_000_000;
  let id = 0;
  const acd = new Acd({ store: engineStore(), now: () => now, newId: () => `id${++id}`, random: () => 0.5 });
  await acd.configure({
    queues: [{ id: 'sales', strategy: 'longest-idle' }, { id: 'support', strategy: 'longest-idle' }],
    operators: [{ id: 'ann', queues: [{ queue: 'support' }] }],
  });
  return acd;
}

const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (err: unknown) => (isAppError(err) ? err.code : String(err)));

describe('Acd supervision', () => {
  it('checks its input before the store sees it', async () => {
    const acd = await setup();
    await acd.enqueue({ id: 'c1', queueId: 'sales' });
    expect(await codeOf(acd.setPriority('c1', 100))).toBe('ERR_INVALID_INPUT');
    expect(await codeOf(acd.setPriority('c1', 2.5))).toBe('ERR_INVALID_INPUT');
    expect(await codeOf(acd.moveCall('c1', 'bad id!'))).toBe('ERR_INVALID_INPUT');
    expect(await codeOf(acd.assignCall('', 'ann'))).toBe('ERR_INVALID_INPUT');
  });

  it('emits the moves and counts a moved call as overflowed from its queue and offered in the new one', async () => {
    const acd = await setup();
    await acd.operatorLogin('ann', { pausedReason: 'login' });
    await acd.enqueue({ id: 'c1', queueId: 'sales' });
    const seen: string[] = [];
    acd.on('event', (e) => seen.push(e.type));
    await acd.setPriority('c1', 5);
    await acd.moveCall('c1', 'support');
    await acd.setAvailable('ann');
    expect(seen).toEqual(['call-priority-changed', 'call-moved', 'call-queued', 'operator-state', 'call-offered', 'operator-state']);
    const report = await acd.report(calendarInterval(1_000_000, 'day'));
    expect(report.queues.sales).toMatchObject({ offered: 1, overflowed: 1 });
    expect(report.queues.support).toMatchObject({ offered: 1 });
  });
});
