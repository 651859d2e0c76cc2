import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { startRedis, type TestRedis } from '../../../test/support/redis-server';
import type { Binding, BindingStore } from './binding-store';
import { MemoryBindingStore } from './memory-binding-store';
import { RedisBindingStore } from './redis-binding-store';

let redis: TestRedis;
let client: ReturnType<typeof createClient>;
beforeAll(async () => {
  redis = await startRedis();
  client = createClient({ url: redis.url });
  await client.connect();
});
afterAll(async () => {
  await client?.quit();
  await redis?.stop();
});

const flow = { protocol: 'ws', address: '127.0.0.1', port: 40001 };
const binding = (contact: string, expiresAt: number, cseq = 1, callId = 'c1', f = flow): Binding =>
  ({ aor: 'op1', contact, expiresAt, callId, cseq, flow: f });

const adapters: Array<[string, () => BindingStore]> = [
  ['memory', () => new MemoryBindingStore()],
  ['redis', () => new RedisBindingStore(client, `test-${randomUUID()}`)],
];

describe.each(adapters)('BindingStore conformance: %s', (_name, make) => {
  it('adds, refreshes and lists bindings; expired ones disappear', async () => {
    const s = make();
    await s.update('op1', { callId: 'c1', cseq: 1, upsert: [binding('sip:a@x.invalid', 1000)], remove: [] }, 0);
    await s.update('op1', { callId: 'c2', cseq: 1, upsert: [binding('sip:b@y.invalid', 5000, 1, 'c2')], remove: [] }, 0);
    expect((await s.lookup('op1', 10)).map((b) => b.contact).sort()).toEqual(['sip:a@x.invalid', 'sip:b@y.invalid']);
    expect((await s.lookup('op1', 1000)).map((b) => b.contact)).toEqual(['sip:b@y.invalid']);
    await s.update('op1', { callId: 'c2', cseq: 2, upsert: [binding('sip:b@y.invalid', 9000, 2, 'c2')], remove: [] }, 1000);
    expect((await s.lookup('op1', 6000)).map((b) => b.expiresAt)).toEqual([9000]);
  });

  it('ignores an out-of-order REGISTER (same Call-ID, CSeq not higher)', async () => {
    const s = make();
    await s.update('op1', { callId: 'c1', cseq: 5, upsert: [binding('sip:a@x.invalid', 9000, 5)], remove: [] }, 0);
    await s.update('op1', { callId: 'c1', cseq: 4, upsert: [], remove: ['sip:a@x.invalid'] }, 0);
    await s.update('op1', { callId: 'c1', cseq: 5, upsert: [binding('sip:a@x.invalid', 100, 5)], remove: [] }, 0);
    expect(await s.lookup('op1', 10)).toEqual([binding('sip:a@x.invalid', 9000, 5)]);
  });

  it('removes one contact, or all with Contact: *', async () => {
    const s = make();
    await s.update('op1', { callId: 'c1', cseq: 1, upsert: [binding('sip:a@x.invalid', 9000), binding('sip:b@x.invalid', 9000)], remove: [] }, 0);
    expect(await s.update('op1', { callId: 'c1', cseq: 2, upsert: [], remove: ['sip:a@x.invalid'] }, 0)).toHaveLength(1);
    expect(await s.update('op1', { callId: 'c9', cseq: 1, upsert: [], remove: [], removeAll: true }, 0)).toEqual([]);
    expect(await s.lookup('op1', 0)).toEqual([]);
  });

  it('removes the bindings of a closed flow only', async () => {
    const s = make();
    const other = { ...flow, port: 40002 };
    await s.update('op1', { callId: 'c1', cseq: 1, upsert: [binding('sip:a@x.invalid', 9000)], remove: [] }, 0);
    await s.update('op2', { callId: 'c2', cseq: 1, upsert: [{ ...binding('sip:c@z.invalid', 9000, 1, 'c2', other), aor: 'op2' }], remove: [] }, 0);
    expect(await s.removeFlow(flow, 0)).toBe(1);
    expect(await s.lookup('op1', 0)).toEqual([]);
    expect(await s.lookup('op2', 0)).toHaveLength(1);
  });

  it('removes the bindings over a dead instance’s connections only; UDP and a live instance’s stay', async () => {
    const s = make();
    const udp = { protocol: 'udp', address: '127.0.0.1', port: 5070 };
    await s.update('op1', { callId: 'c1', cseq: 1, upsert: [{ ...binding('sip:a@x.invalid', 9000), instanceId: 'dead' }, binding('sip:u@x.invalid', 9000, 1, 'c1', udp)], remove: [] }, 0);
    await s.update('op2', { callId: 'c2', cseq: 1, upsert: [{ ...binding('sip:b@x.invalid', 9000, 1, 'c2'), aor: 'op2', instanceId: 'live' }], remove: [] }, 0);
    // op3 registered over the dead instance, then again over the live one with the same contact
    await s.update('op3', { callId: 'c3', cseq: 1, upsert: [{ ...binding('sip:c@x.invalid', 9000, 1, 'c3'), aor: 'op3', instanceId: 'dead' }], remove: [] }, 0);
    await s.update('op3', { callId: 'c3', cseq: 2, upsert: [{ ...binding('sip:c@x.invalid', 9000, 2, 'c3'), aor: 'op3', instanceId: 'live' }], remove: [] }, 0);
    expect(await s.removeInstance('dead')).toBe(1);
    expect((await s.lookup('op1', 0)).map((b) => b.contact)).toEqual(['sip:u@x.invalid']);
    expect(await s.lookup('op2', 0)).toHaveLength(1);
    expect((await s.lookup('op3', 0)).map((b) => b.instanceId)).toEqual(['live']);
    expect(await s.removeInstance('dead')).toBe(0);
  });
});
