import { RECOVERED_REASON, type AcdStore, type RoutingEvent } from '../../server/routing';
import { Pair, type StoreFactory } from './conformance-suite';

const q = (id: string, extra: Record<string, unknown> = {}) => ({ id, strategy: 'longest-idle', ringTimeoutMs: 60_000, ...extra });
const op = (id: string, queues: string[]) => ({ id, skills: {}, queues: queues.map((queue) => ({ queue, penalty: 0 })) });
const types = (events: RoutingEvent[]) => events.map((e) => (e.type === 'operator-state' ? `${e.operatorId}:${e.from}→${e.to}${e.reason ? `(${e.reason})` : ''}` : `${e.type}:${'callId' in e ? e.callId : ''}`));

/**
 * Recovery of a dead instance's calls, on both adapters and against the reference engine: the
 * instance's waiting, offered and answered calls leave routing in one atomic step, their operators
 * are paused (`recovered`), and a live peer's calls are untouched.
 */
export function describeRecoveryConformance(name: string, factory: StoreFactory): void {
  describe(`AcdStore instance recovery: ${name}`, () => {
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

    /** Instance A holds an answered, a ringing and a waiting call; instance B an answered one. */
    async function twoInstances(): Promise<Pair> {
      const p = await pair();
      await p.configure({ queues: [q('s', { wrapUpMs: 5000 }), q('t')], operators: [op('a', ['s']), op('b', ['s']), op('c', ['s', 't'])] });
      for (const id of ['a', 'b', 'c']) await p.events({ kind: 'login', operatorId: id });
      await p.events({ kind: 'heartbeat', instanceId: 'A', aliveUntil: p.now + 1000 });
      await p.events({ kind: 'heartbeat', instanceId: 'B', aliveUntil: p.now + 10_000 });
      const answer = async (callId: string) => {
        const { token, operatorIds } = await p.offerOf(callId);
        await p.events({ kind: 'answered', callId, operatorId: operatorIds[0] as string, token });
      };
      await p.events({ kind: 'enqueue', call: { id: 'a1', queueId: 's', instanceId: 'A' } });
      await answer('a1');
      p.now += 100;
      await p.events({ kind: 'enqueue', call: { id: 'b1', queueId: 't', instanceId: 'B' } });
      await answer('b1');
      p.now += 100;
      await p.events({ kind: 'enqueue', call: { id: 'a2', queueId: 's', instanceId: 'A' } });
      const { token } = await p.offerOf('a2');
      await p.events({ kind: 'ringing', callId: 'a2', operatorId: 'b', token });
      await p.events({ kind: 'enqueue', call: { id: 'a3', queueId: 's', instanceId: 'A' } });
      return p;
    }

    it('lists an instance whose heartbeat ran out, and only that one', async () => {
      const p = await twoInstances();
      expect(await p.store.expiredInstances(p.now)).toEqual([]);
      p.now += 2000;
      expect(await p.store.expiredInstances(p.now)).toEqual(['A']);
      expect(p.ref.expiredInstances(p.now)).toEqual(['A']);
    });

    it('takes the dead instance’s calls out of routing and pauses their operators; the peer’s call stays', async () => {
      const p = await twoInstances();
      p.now += 2000;
      const events = await p.events({ kind: 'recover-instance', instanceId: 'A', onlyIfExpired: true });
      expect(types(events)).toEqual([
        'call-completed:a1', `a:on-call→paused(${RECOVERED_REASON})`,
        'offer-withdrawn:a2', `b:ringing→paused(${RECOVERED_REASON})`, 'call-abandoned:a2',
        'call-abandoned:a3', 'instance-recovered:',
      ]);
      expect(events.at(-1)).toMatchObject({ type: 'instance-recovered', instanceId: 'A', calls: 3 });
      expect(events[0]).toMatchObject({ type: 'call-completed', forced: true, wrapUpMs: 0 });
      const view = await p.compareViews();
      expect(view.calls.map((c) => c.id)).toEqual(['b1']);
      expect(view.queues.flatMap((x) => x.waiting)).toEqual([]);
      expect(view.timers.filter((t) => /a[123]$/.test(t.key))).toEqual([]);
      expect(view.operators.find((o) => o.id === 'c')).toMatchObject({ state: 'on-call', callId: 'b1' });
      expect(await p.store.expiredInstances(p.now)).toEqual([]);
      // idempotent: a second peer recovering the same instance finds nothing
      expect(await p.events({ kind: 'recover-instance', instanceId: 'A', onlyIfExpired: true })).toEqual([]);
      // the paused operators get out of it the ordinary way, and take calls again
      await p.events({ kind: 'set-available', operatorId: 'a' });
      await p.events({ kind: 'enqueue', call: { id: 'b2', queueId: 's', instanceId: 'B' } });
      expect((await p.store.readCall('b2'))?.operatorIds).toEqual(['a']);
      await p.compareViews();
    });

    it('leaves an instance alone while its heartbeat is live or unknown; a start-up recovery of its own id is unconditional', async () => {
      const p = await twoInstances();
      expect(await p.events({ kind: 'recover-instance', instanceId: 'A', onlyIfExpired: true })).toEqual([]);
      expect(await p.events({ kind: 'recover-instance', instanceId: 'nobody', onlyIfExpired: true })).toEqual([]);
      expect(await p.events({ kind: 'recover-instance', instanceId: 'B', onlyIfExpired: true })).toEqual([]);
      const own = await p.events({ kind: 'recover-instance', instanceId: 'B' });
      expect(types(own)).toEqual(['call-completed:b1', `c:on-call→paused(${RECOVERED_REASON})`, 'instance-recovered:']);
      const view = await p.compareViews();
      expect(view.calls.map((c) => c.id).sort()).toEqual(['a1', 'a2', 'a3']);
      // the instance that recovered itself at start keeps its heartbeat
      p.now += 5000;
      expect(await p.store.expiredInstances(p.now)).toEqual(['A']);
    });
  });
}
