/**
 * Redis stops answering (SIGSTOP) or goes away (SIGKILL) under the routing core, with a real
 * redis-server: every store call fails with ERR_STORE_UNAVAILABLE within its command timeout instead
 * of hanging, and works again once Redis is back.
 */
import { loadConfig } from '../../config';
import { Acd, isAppError } from '../../server/routing';
import { routingConfig } from '../../server/calls/direct-queues';
import { createClient } from 'redis';
import { RedisAcdStore } from '../../server/store/redis-store';
import { RedisBindingStore } from '../../server/store/bindings/redis-binding-store';
import { startProcess, stopAll, waitFor } from '../support/processes';
import { randomPrefix, startRedis, type TestRedis } from './redis-server';

const CONFIG = loadConfig({}, [{
  path: 't.yaml', text: `
trunks: [{ id: local, allow: [127.0.0.1] }]
numbers: [{ number: "100", queue: support }]
queues: [{ id: support, strategy: longest-idle }]
operators: [{ id: ann, name: Ann, sip: { username: ann, password: x }, queues: [{ queue: support }] }]
`,
}]);

/** What a store call settles with: the error code it fails with, or 'ok'. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return isAppError(err) ? err.code : String(err);
  }
}

describe('the Redis store during an outage', () => {
  let redis: TestRedis;
  let acd: Acd | undefined;
  let store: RedisAcdStore | undefined;
  beforeEach(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    if (redis.process.child.exitCode === null) redis.process.child.kill('SIGCONT');
    acd?.close();
    await stopAll();
    await store?.close();
  });

  async function routing(): Promise<Acd> {
    store = await RedisAcdStore.connect({ url: redis.url, prefix: randomPrefix(), commandTimeoutMs: 300 });
    acd = new Acd({ store, now: Date.now, newId: (() => { let n = 0; return () => `id${++n}`; })(), random: () => 0.5 });
    await acd.configure(routingConfig(CONFIG));
    return acd;
  }

  it('Redis stuck (SIGSTOP): calls fail with ERR_STORE_UNAVAILABLE instead of hanging, and work again after SIGCONT', async () => {
    const a = await routing();
    await a.operatorLogin('ann');
    redis.process.child.kill('SIGSTOP');
    await expect(outcome(a.snapshot())).resolves.toBe('ERR_STORE_UNAVAILABLE');
    const err = await a.setAvailable('ann').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', details: { retryAfterSeconds: 5 } });
    expect(store!.available).toBe(false); // new calls are refused before they are answered meanwhile
    redis.process.child.kill('SIGCONT');
    await waitFor(async () => (await outcome(a.snapshot())) === 'ok', 'the store to answer again');
    expect(store!.available).toBe(true);
    expect((await a.snapshot()).operators.find((o) => o.id === 'ann')).toBeDefined();
  });

  it('Redis gone (SIGKILL): calls fail with ERR_STORE_UNAVAILABLE while it is down, and the client reconnects when it is back', async () => {
    const a = await routing();
    redis.process.child.kill('SIGKILL');
    await redis.process.exited;
    await expect(outcome(a.snapshot())).resolves.toBe('ERR_STORE_UNAVAILABLE');
    await expect(outcome(a.operatorLogin('ann'))).resolves.toBe('ERR_STORE_UNAVAILABLE');
    // back on the same port (empty: no persistence), the same client carries on
    const again = startProcess('/usr/bin/redis-server', ['--port', String(redis.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
    await waitFor(() => again.output().includes('Ready to accept connections'), 'redis-server to start again');
    await waitFor(async () => (await outcome(a.configure(routingConfig(CONFIG)))) === 'ok', 'the store to answer again', 20_000);
    await expect(outcome(a.operatorLogin('ann'))).resolves.toBe('ok');
  });

  it('the registrar\'s bindings: a lookup fails with ERR_STORE_UNAVAILABLE while Redis is stuck, and works again after', async () => {
    const client = createClient({ url: redis.url, commandOptions: { timeout: 300 } });
    client.on('error', () => undefined); // surfaced as failed lookups
    await client.connect();
    try {
      const bindings = new RedisBindingStore(client, randomPrefix(), 300);
      await expect(bindings.lookup('ann', Date.now())).resolves.toEqual([]);
      redis.process.child.kill('SIGSTOP');
      await expect(outcome(bindings.lookup('ann', Date.now()))).resolves.toBe('ERR_STORE_UNAVAILABLE');
      redis.process.child.kill('SIGCONT');
      await waitFor(async () => (await outcome(bindings.lookup('ann', Date.now()))) === 'ok', 'the bindings to answer again');
    } finally {
      client.destroy();
    }
  });
});
