/**
 * The Redis session store with a real redis-server: sessions written by one client are read back by
 * another (a restarted server), expire in Redis with the session, and are removed on sign-out.
 */
import { createClient } from 'redis';
import { RedisSessionStore } from '../../server/store/sessions/redis-session-store';
import { SessionStore } from '../../server/http/sessions';
import { stopAll } from '../support/processes';
import { randomPrefix, startRedis, type TestRedis } from './redis-server';

const flush = () => new Promise((r) => setTimeout(r, 50));

describe('sign-in sessions in Redis', () => {
  let redis: TestRedis;
  const clients: Array<ReturnType<typeof createClient>> = [];
  beforeAll(async () => { redis = await startRedis(); });
  afterAll(async () => {
    for (const c of clients) await c.quit().catch(() => undefined);
    await stopAll();
  });

  async function client() {
    const c = createClient({ url: redis.url });
    await c.connect();
    clients.push(c);
    return c;
  }

  it('a session signed in before a restart is known after it; signed-out and expired ones are not', async () => {
    const prefix = randomPrefix();
    const now = Date.now();
    const first = new SessionStore(60_000, () => now, { persistence: new RedisSessionStore(await client(), prefix) });
    first.create('tok-ann', 'ann');
    first.create('tok-bob', 'bob', false);
    first.create('tok-cid', 'cid');
    first.delete('tok-cid');
    await flush();
    first.clear(); // the process ends

    const c = await client();
    const restored = await new RedisSessionStore(c, prefix).loadAll(now);
    expect(restored.map((s) => [s.operatorId, s.routing]).sort()).toEqual([['ann', true], ['bob', false]]);
    const second = new SessionStore(60_000, () => now, { persistence: new RedisSessionStore(c, prefix), initial: restored });
    expect(second.touch('tok-ann')).toMatchObject({ operatorId: 'ann' });
    expect(second.touch('tok-cid')).toBeUndefined();
    // the key holds no token in its name, and expires with the session
    const keys = await c.keys(`${prefix}:session:*`);
    expect(keys).toHaveLength(2);
    expect(keys.join(' ')).not.toContain('tok-');
    const ttl = await c.pTTL(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    // read back later than their expiry: none
    expect(await new RedisSessionStore(c, prefix).loadAll(now + 120_000)).toEqual([]);
  });
});
