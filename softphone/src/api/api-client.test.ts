import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from './api-client';
import { ApiError } from './contract';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

const LOGIN = {
  token: 'tok-123',
  operator: { id: 'op-1', name: 'Alice' },
  sip: { uri: 'sip:alice@switchboard.local', authorizationUsername: 'alice', authorizationPassword: 's3cret', wsServer: 'ws://127.0.0.1:8088' },
};
const STATE = { status: 'available', since: '2025-01-01T10:00:00.000Z' };

/** A tiny server speaking the contract; `reply` can be overridden per test. */
describe('ApiClient', () => {
  let server: http.Server;
  let base: string;
  let seen: Seen[];
  let reply: (req: Seen) => { status: number; body: unknown; raw?: string };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        const s: Seen = {
          method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization,
          contentType: req.headers['content-type'], body: data ? JSON.parse(data) : undefined,
        };
        seen.push(s);
        const r = reply(s);
        res.writeHead(r.status, { 'content-type': 'application/json' });
        res.end(r.raw ?? JSON.stringify(r.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    seen = [];
    reply = (s) => {
      if (s.url === '/api/login') {
        const b = s.body as { username: string; password: string };
        return b.password === 'right' ? { status: 200, body: LOGIN } : { status: 401, body: { error: { code: 'ERR_BAD_CREDENTIALS', message: 'bad credentials' } } };
      }
      if (s.url === '/api/operators/me') {
        return {
          status: 200,
          body: {
            id: 'op-1', name: 'Alice', state: STATE, dispositions: ['sale', 'no-sale', 42],
            pauseReasons: [{ id: 'lunch', label: 'Lunch' }, { id: 'admin' }, { label: 'no id' }], wrapUp: { extendSeconds: 30, maxTotalSeconds: 300 },
          },
        };
      }
      if (s.url === '/api/operators/me/wrap-up/extend') {
        return { status: 200, body: { extendedSeconds: 30, state: { status: 'wrap-up', since: 1735725600000, wrapUpEndsAt: '2025-01-01T10:00:40.000Z', wrapUpLeftMs: 40_000 } } };
      }
      if (s.url === '/api/operators/me/status') return { status: 200, body: { state: { ...(s.body as object), since: 1735725600000 } } };
      if (s.url === '/api/operators/me/wrap-up') return { status: 200, body: { state: STATE } };
      return { status: 404, body: { error: { code: 'ERR_NOT_FOUND', message: 'no route' } } };
    };
  });

  async function loggedIn(): Promise<ApiClient> {
    const api = new ApiClient({ baseUrl: base });
    await api.login('alice', 'right');
    return api;
  }

  it('logs in with a JSON body and keeps the token', async () => {
    const api = new ApiClient({ baseUrl: base });
    expect(await api.login('alice', 'right')).toEqual(LOGIN);
    expect(api.token).toBe('tok-123');
    expect(seen).toEqual([{ method: 'POST', url: '/api/login', authorization: undefined, contentType: 'application/json', body: { username: 'alice', password: 'right' } }]);
  });

  it('turns 401 into ApiError ERR_BAD_CREDENTIALS', async () => {
    const api = new ApiClient({ baseUrl: base });
    const error = await api.login('alice', 'wrong').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'ERR_BAD_CREDENTIALS', status: 401, message: 'bad credentials' });
    expect(api.token).toBeUndefined();
  });

  it('sends the bearer token on GET /api/operators/me and keeps only string dispositions and pause reasons with an id', async () => {
    const api = await loggedIn();
    expect(await api.me()).toEqual({
      id: 'op-1', name: 'Alice', state: STATE, dispositions: ['sale', 'no-sale'],
      pauseReasons: [{ id: 'lunch', label: 'Lunch' }, { id: 'admin', label: 'admin' }], wrapUp: { extendSeconds: 30, maxTotalSeconds: 300 },
    });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', url: '/api/operators/me', authorization: 'Bearer tok-123', body: undefined });
  });

  it.each([
    [{ status: 'available' as const }],
    [{ status: 'paused' as const, reason: 'Lunch' }],
    [{ status: 'offline' as const }],
  ])('PUT /api/operators/me/status %j', async (request) => {
    const api = await loggedIn();
    expect(await api.setStatus(request)).toEqual({ ...request, since: 1735725600000 });
    expect(seen.at(-1)).toMatchObject({ method: 'PUT', url: '/api/operators/me/status', authorization: 'Bearer tok-123', body: request });
  });

  it('POST /api/operators/me/wrap-up sends notes only when there are some', async () => {
    const api = await loggedIn();
    expect(await api.wrapUp({ disposition: 'sale', notes: 'wants a call back' })).toEqual(STATE);
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/api/operators/me/wrap-up', body: { disposition: 'sale', notes: 'wants a call back' } });
    await api.wrapUp({ disposition: 'no-sale', notes: '' });
    expect(seen.at(-1)?.body).toEqual({ disposition: 'no-sale' });
  });

  it('POST /api/operators/me/wrap-up/extend answers the new wrap-up state with the time left', async () => {
    const api = await loggedIn();
    expect(await api.extendWrapUp()).toEqual({ extendedSeconds: 30, state: { status: 'wrap-up', since: 1735725600000, wrapUpLeftMs: 40_000 } });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', url: '/api/operators/me/wrap-up/extend', authorization: 'Bearer tok-123' });
  });

  it('puts the token in the events URL', async () => {
    const api = await loggedIn();
    expect(api.eventsUrl()).toBe(`${base}/api/events?token=tok-123`);
  });

  it('refuses authenticated calls before login without a request', async () => {
    const api = new ApiClient({ baseUrl: base });
    await expect(api.me()).rejects.toMatchObject({ code: 'ERR_NOT_LOGGED_IN' });
    expect(() => api.eventsUrl()).toThrow(ApiError);
    expect(seen).toEqual([]);
  });

  it.each([
    ['an error without the error object', { status: 500, body: { oops: true } }, { code: 'ERR_HTTP_500', status: 500 }],
    ['an error that is not JSON', { status: 502, body: null, raw: '<html>bad gateway</html>' }, { code: 'ERR_HTTP_502', status: 502 }],
    ['a 200 that is not JSON', { status: 200, body: null, raw: 'hello' }, { code: 'ERR_BAD_RESPONSE' }],
    ['a 200 of the wrong shape', { status: 200, body: { id: 'op-1' } }, { code: 'ERR_BAD_RESPONSE' }],
    ['an unknown status', { status: 200, body: { id: 'op-1', name: 'A', state: { status: 'dancing', since: 1 }, dispositions: [] } }, { code: 'ERR_BAD_RESPONSE' }],
  ])('maps %s to a typed error', async (_name, r, expected) => {
    const api = await loggedIn();
    reply = () => r;
    await expect(api.me()).rejects.toMatchObject(expected);
  });

  it('maps an unreachable server to ERR_NETWORK', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const api = new ApiClient({ baseUrl: `http://127.0.0.1:${port}` });
    await expect(api.login('a', 'b')).rejects.toMatchObject({ code: 'ERR_NETWORK', status: 0 });
  });
});
