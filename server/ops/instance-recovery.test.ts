import { Acd } from '../routing';
import { MemoryAcdStore } from '../store/memory-store';
import { MemoryBindingStore } from '../store/bindings/memory-binding-store';
import { InstanceRecovery } from './instance-recovery';

const quiet = { info: () => undefined, warn: () => undefined };

/** Two instances over one shared store (as two processes over one Redis), on a fake clock. */
function setup() {
  let now = 1_000_000;
  let n = 0;
  const store = new MemoryAcdStore();
  const bindings = new MemoryBindingStore();
  const closed: string[] = [];
  const records = { closeInterrupted: async (id: string) => (closed.push(id), 1) };
  const acdOf = (instanceId: string) => new Acd({ store, now: () => now, newId: () => `t${++n}`, random: () => 0.5, instanceId });
  const recoveryOf = (instanceId: string, acd: Acd) =>
    new InstanceRecovery({ instanceId, heartbeatMs: 1000, ttlMs: 3000, now: () => now, routing: acd, bindings, records, log: quiet });
  return { store, bindings, closed, acdOf, recoveryOf, advance: (ms: number) => (now += ms), get now() { return now; } };
}

describe('InstanceRecovery', () => {
  it('recovers a peer whose heartbeat ran out: its calls, its operators, its connections, its records', async () => {
    const t = setup();
    const a = t.acdOf('A');
    const b = t.acdOf('B');
    await a.configure({ queues: [{ id: 's', strategy: 'longest-idle', wrapUpMs: 0 }], operators: [{ id: 'ann', queues: [{ queue: 's', penalty: 0 }] }, { id: 'bob', queues: [{ queue: 's', penalty: 0 }] }] });
    const ra = t.recoveryOf('A', a);
    const rb = t.recoveryOf('B', b);
    await ra.start();
    await rb.start();
    await a.operatorLogin('ann');
    const { offers } = await a.enqueue({ id: 'call-1', queueId: 's' });
    await a.onAnswered({ callId: 'call-1', operatorId: 'ann', token: offers[0]!.token });
    const flow = { protocol: 'ws', address: '127.0.0.1', port: 40000 };
    await t.bindings.update('ann', { callId: 'r1', cseq: 1, upsert: [{ aor: 'ann', contact: 'sip:ann@x.invalid', expiresAt: t.now + 600_000, callId: 'r1', cseq: 1, flow, instanceId: 'A' }], remove: [] }, t.now);

    // A is killed: only B keeps its heartbeat
    t.advance(2000);
    expect(await rb.check()).toEqual([]);
    t.advance(2000);
    expect(await rb.check()).toEqual([{ instanceId: 'A', calls: 1, bindings: 1, records: 1 }]);
    const snap = await b.snapshot();
    expect(snap.operators.find((o) => o.id === 'ann')).toMatchObject({ state: 'paused', reason: 'recovered' });
    expect(await t.store.readCall('call-1')).toBeUndefined();
    expect(await t.bindings.lookup('ann', t.now)).toEqual([]);
    expect(t.closed).toEqual(['A']);
    // done once
    t.advance(5000);
    expect(await rb.check()).toEqual([]);
  });

  it('a restarted instance recovers its own id at start, before its heartbeat could run out', async () => {
    const t = setup();
    const first = t.acdOf('A');
    await first.configure({ queues: [{ id: 's', strategy: 'longest-idle' }], operators: [{ id: 'ann', queues: [{ queue: 's', penalty: 0 }] }] });
    await t.recoveryOf('A', first).start();
    await first.operatorLogin('ann');
    const { offers } = await first.enqueue({ id: 'call-1', queueId: 's' });
    await first.onRinging({ callId: 'call-1', operatorId: 'ann', token: offers[0]!.token });
    t.advance(500);
    const again = t.acdOf('A');
    expect(await t.recoveryOf('A', again).start()).toEqual({ instanceId: 'A', calls: 1, bindings: 0, records: 0 });
    expect((await again.snapshot()).operators[0]).toMatchObject({ state: 'paused', reason: 'recovered' });
    await again.setAvailable('ann'); // out of it the ordinary way
  });
});
