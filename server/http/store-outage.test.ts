import { storeUnavailable } from '../store/redis-store';
import { call, login, startTestServer, type TestServer } from './testing/harness';

describe('the API while the state store is unavailable', () => {
  let t: TestServer;
  afterEach(async () => t?.close());

  it('answers 503 with Retry-After and ERR_STORE_UNAVAILABLE, and works again once the store answers', async () => {
    t = await startTestServer();
    const token = await login(t);
    const execute = t.store.execute.bind(t.store);
    t.store.execute = () => Promise.reject(storeUnavailable(new Error('Command timeout')));
    const res = await fetch(`${t.url}/api/operators/me/status`, {
      method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'available' }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ error: { code: 'ERR_STORE_UNAVAILABLE', message: expect.stringMatching(/state store \(Redis\) is unavailable/) } });
    t.store.execute = execute;
    expect((await call(`${t.url}/api/operators/me/status`, 'PUT', token, { status: 'available' })).status).toBe(200);
  });
});
