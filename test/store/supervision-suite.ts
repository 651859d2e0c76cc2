import type { AcdStore, RoutingEvent } from '../../server/routing';
import { Pair, type StoreFactory } from './conformance-suite';

const q = (id: string, extra: Record<string, unknown> = {}) => ({ id, strategy: 'longest-idle', ...extra });
const op = (id: string, queues: string[], skills: Record<string, number> = {}) => ({ id, skills, queues: queues.map((queue) => ({ queue, penalty: 0 })) });
const types = (events: RoutingEvent[]) => events.map((e) => e.type);

/** The supervisor's commands on waiting calls, on a store and on the reference engine side by side. */
export function describeSupervisionConformance(name: string, factory: StoreFactory): void {
  describe(`AcdStore supervision: ${name}`, () => {
    let stores: AcdStore[] = [];
    const pair = async () => {
      const store = await factory.create();
      stores.push(store);
      return new Pair(store);
    };
    afterEach(async () => {
      await Promise.all(stores.map((s) => s.close()));
      stores = [];
    });

    it('moves a waiting call to another queue, keeping its arrival; a free member there is offered it at once', async () => {
      const p = await pair();
      await p.configure({ queues: [q('sales', { maxWaitMs: 60_000 }), q('support', { maxLength: 2 })], operators: [op('ann', ['support']), op('bob', ['sales'])] });
      const arrivedAt = p.now;
      await p.events({ kind: 'enqueue', call: { id: 'c1', queueId: 'sales', priority: 3 } });
      p.now += 5000;
      await p.events({ kind: 'enqueue', call: { id: 'c0', queueId: 'support' } });
      p.now += 1000;
      const moved = await p.events({ kind: 'move-call', callId: 'c1', queueId: 'support' });
      expect(moved).toEqual([
        { type: 'call-moved', at: p.now, callId: 'c1', fromQueueId: 'sales', toQueueId: 'support' },
        { type: 'call-queued', at: p.now, callId: 'c1', queueId: 'support', priority: 3, position: 1 },
      ]);
      const view = await p.compareViews();
      expect(view.calls.find((c) => c.id === 'c1')).toMatchObject({ queueId: 'support', arrivedAt, enqueuedAt: p.now });
      expect(view.timers.some((t) => t.key === 'c|c1')).toBe(false); // sales' maximum wait no longer applies
      // support is full now: a move there is refused and changes nothing
      await p.events({ kind: 'enqueue', call: { id: 'c2', queueId: 'sales' } });
      expect(await p.exec({ kind: 'move-call', callId: 'c2', queueId: 'support' })).toEqual({ error: 'ERR_QUEUE_FULL' });
      expect(await p.exec({ kind: 'move-call', callId: 'c2', queueId: 'sales' })).toEqual({ error: 'ERR_ILLEGAL_TRANSITION' });
      expect(await p.exec({ kind: 'move-call', callId: 'c2', queueId: 'nowhere' })).toEqual({ error: 'ERR_UNKNOWN_QUEUE' });
      expect(await p.exec({ kind: 'move-call', callId: 'ghost', queueId: 'sales' })).toEqual({ error: 'ERR_UNKNOWN_CALL' });
      await p.compareViews();
      // ann logs in: c1 (priority 3) goes before the earlier c0
      const login = await p.events({ kind: 'login', operatorId: 'ann' });
      expect(login.find((e) => e.type === 'call-offered')).toMatchObject({ callId: 'c1', operatorIds: ['ann'] });
      await p.events({ kind: 'login', operatorId: 'bob' });
      // bob takes c2 at once; a move of c0 to sales when bob is busy queues it; a move to a queue with a free member offers it
      await p.events({ kind: 'enqueue', call: { id: 'c3', queueId: 'support' } });
      await p.configure({ queues: [], operators: [op('cy', ['sales'])] });
      await p.events({ kind: 'login', operatorId: 'cy' });
      const offered = await p.events({ kind: 'move-call', callId: 'c3', queueId: 'sales' });
      expect(types(offered)).toEqual(['call-moved', 'call-queued', 'call-offered', 'operator-state']);
      expect(offered[2]).toMatchObject({ callId: 'c3', queueId: 'sales', operatorIds: ['cy'] });
      await p.compareViews();
    });

    it('gives a waiting call to a named available operator, outside the strategy; refuses a busy one', async () => {
      const p = await pair();
      await p.configure({ queues: [q('sales', { ringTimeoutMs: 10_000, noAnswerPause: 'missed', skills: [{ name: 'fr', level: 5 }] })], operators: [op('ann', ['sales'], { fr: 5 }), op('bob', [])] });
      await p.events({ kind: 'enqueue', call: { id: 'c1', queueId: 'sales' } });
      expect(await p.exec({ kind: 'assign-call', callId: 'c1', operatorId: 'bob' })).toEqual({ error: 'ERR_ILLEGAL_TRANSITION' }); // offline
      expect(await p.exec({ kind: 'assign-call', callId: 'c1', operatorId: 'zed' })).toEqual({ error: 'ERR_UNKNOWN_OPERATOR' });
      await p.events({ kind: 'login', operatorId: 'bob' }); // no member, no skill: nothing offered to him by routing
      await p.compareViews();
      const assigned = await p.events({ kind: 'assign-call', callId: 'c1', operatorId: 'bob' });
      expect(assigned[0]).toMatchObject({
        type: 'call-offered', callId: 'c1', queueId: 'sales', operatorIds: ['bob'],
        explanation: { kind: 'assigned', rule: 'named-operator', operatorId: 'bob', callId: 'c1', queueId: 'sales' },
      });
      expect(assigned[1]).toMatchObject({ type: 'operator-state', operatorId: 'bob', from: 'available', to: 'reserved' });
      expect(await p.exec({ kind: 'assign-call', callId: 'c1', operatorId: 'bob' })).toEqual({ error: 'ERR_ILLEGAL_TRANSITION' }); // offered now
      const { token } = await p.offerOf('c1');
      await p.events({ kind: 'ringing', callId: 'c1', operatorId: 'bob', token });
      const rangOut = await p.advance(10_000);
      expect(rangOut.find((e) => e.type === 'call-returned')).toMatchObject({ callId: 'c1', queueId: 'sales', position: 1 });
      expect(rangOut.find((e) => e.type === 'operator-state')).toMatchObject({ operatorId: 'bob', to: 'paused', reason: 'missed' });
      await p.compareViews();
    });

    it('changes a waiting call’s priority: it takes its new place; only a waiting call', async () => {
      const p = await pair();
      await p.configure({ queues: [q('sales')], operators: [op('ann', ['sales'])] });
      for (const id of ['c1', 'c2', 'c3']) {
        await p.events({ kind: 'enqueue', call: { id, queueId: 'sales' } });
        p.now += 1000;
      }
      expect(await p.events({ kind: 'set-priority', callId: 'c3', priority: 7 })).toEqual([
        { type: 'call-priority-changed', at: p.now, callId: 'c3', queueId: 'sales', from: 0, priority: 7, position: 1 },
      ]);
      expect((await p.compareViews()).queues[0]?.waiting).toEqual(['c3', 'c1', 'c2']);
      expect((await p.events({ kind: 'set-priority', callId: 'c3', priority: 0 }))[0]).toMatchObject({ from: 7, position: 3 });
      const login = await p.events({ kind: 'login', operatorId: 'ann' });
      expect(login.find((e) => e.type === 'call-offered')).toMatchObject({ callId: 'c1' });
      expect(await p.exec({ kind: 'set-priority', callId: 'c1', priority: 9 })).toEqual({ error: 'ERR_ILLEGAL_TRANSITION' });
      await p.compareViews();
    });
  });
}
