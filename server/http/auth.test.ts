import { call, login, startTestServer, type TestServer } from './testing/harness';

describe('sign-in and sessions', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer({ loginLimit: { maxFailures: 3, windowMs: 60_000, coolDownMs: 300_000 }, sessionTtlMs: 3_600_000 });
  });
  afterEach(async () => t.close());

  const operator = async (id: string) => (await t.acd.snapshot()).operators.find((o) => o.id === id);

  it('signs in with the SIP password and answers what the softphone registers with', async () => {
    const res = await call(`${t.url}/api/login`, 'POST', undefined, { username: 'alice', password: 'alice-pw' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: 'token-1',
      operator: { id: 'alice', name: 'Alice' },
      sip: { uri: 'sip:alice@switchboard.test', authorizationUsername: 'alice', authorizationPassword: 'alice-pw', wsServer: 'ws://127.0.0.1:8088' },
    });
    expect(await operator('alice')).toMatchObject({ state: 'paused', reason: 'login' });
  });

  it('checks the password against the HA1 when only that is configured', async () => {
    const res = await call(`${t.url}/api/login`, 'POST', undefined, { username: '1002', password: 'bob-pw' });
    expect(res.status).toBe(200);
    expect(res.body.operator).toEqual({ id: 'bob', name: 'Bob' });
    expect(res.body.sip.uri).toBe('sip:1002@switchboard.test');
  });

  it('keeps the state of an operator who is signed in already', async () => {
    await login(t);
    await t.acd.setAvailable('alice');
    await login(t);
    expect(await operator('alice')).toMatchObject({ state: 'available' });
  });

  it.each([
    ['a wrong password', { username: 'alice', password: 'nope' }],
    ['an unknown user', { username: 'mallory', password: 'alice-pw' }],
    ['a password for the wrong HA1 user', { username: '1002', password: 'alice-pw' }],
  ])('refuses %s with 401 ERR_BAD_CREDENTIALS', async (_name, body) => {
    const res = await call(`${t.url}/api/login`, 'POST', undefined, body);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('ERR_BAD_CREDENTIALS');
    expect(await operator('alice')).toMatchObject({ state: 'offline' });
  });

  it('limits repeated failures from one address with 429, even with the right password, until the cool-down ends', async () => {
    for (let i = 0; i < 3; i++) expect((await call(`${t.url}/api/login`, 'POST', undefined, { username: 'alice', password: 'x' })).status).toBe(401);
    const limited = await call(`${t.url}/api/login`, 'POST', undefined, { username: 'alice', password: 'alice-pw' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('ERR_TOO_MANY_ATTEMPTS');
    expect(limited.headers.get('retry-after')).toBe('300');
    t.clock.now += 300_000;
    expect((await call(`${t.url}/api/login`, 'POST', undefined, { username: 'alice', password: 'alice-pw' })).status).toBe(200);
  });

  it.each([
    ['password', { username: 'alice' }],
    ['username', { password: 'x' }],
    ['username', { username: 42, password: 'x' }],
  ])('answers 400 ERR_INVALID_INPUT naming %s', async (field, body) => {
    const res = await call(`${t.url}/api/login`, 'POST', undefined, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ERR_INVALID_INPUT');
    expect(res.body.error.message).toContain(`${field}:`);
    expect(res.body.error.details.issues[0].field).toBe(field);
  });

  it('answers 400 ERR_BAD_JSON to a body that is not JSON', async () => {
    const res = await fetch(`${t.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR_BAD_JSON');
  });

  it('requires a bearer token, and a live one', async () => {
    const none = await call(`${t.url}/api/operators/me`, 'GET');
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('ERR_UNAUTHORIZED');
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await call(`${t.url}/api/operators/me`, 'GET', 'made-up')).status).toBe(401);
    const token = await login(t);
    expect((await call(`${t.url}/api/operators/me`, 'GET', token)).status).toBe(200);
  });

  it('expires a session an hour after its last use', async () => {
    const token = await login(t);
    t.clock.now += 3_000_000;
    expect((await call(`${t.url}/api/operators/me`, 'GET', token)).status).toBe(200); // use pushes the expiry back
    t.clock.now += 3_000_000;
    expect((await call(`${t.url}/api/operators/me`, 'GET', token)).status).toBe(200);
    t.clock.now += 3_600_000;
    const res = await call(`${t.url}/api/operators/me`, 'GET', token);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/expired/);
  });

  it('signs out: the token is dead and the idle operator is logged out of routing', async () => {
    const token = await login(t);
    const res = await call(`${t.url}/api/logout`, 'POST', token);
    expect(res.status).toBe(200);
    expect(res.body.state.status).toBe('offline');
    expect(await operator('alice')).toMatchObject({ state: 'offline' });
    expect((await call(`${t.url}/api/operators/me`, 'GET', token)).status).toBe(401);
  });

  it('keeps the operator in routing while another session of theirs is alive', async () => {
    const first = await login(t);
    await login(t);
    await call(`${t.url}/api/logout`, 'POST', first);
    expect(await operator('alice')).toMatchObject({ state: 'paused' });
  });

  it('a session that takes no calls (the report page, routing: false) leaves routing alone, in and out', async () => {
    const res = await call(`${t.url}/api/login`, 'POST', undefined, { username: 'alice', password: 'alice-pw', routing: false });
    expect(res.status).toBe(200);
    expect(await operator('alice')).toMatchObject({ state: 'offline' });
    const desk = await login(t); // the softphone signs in: paused, as usual
    expect(await operator('alice')).toMatchObject({ state: 'paused' });
    await call(`${t.url}/api/logout`, 'POST', res.body.token as string);
    expect(await operator('alice')).toMatchObject({ state: 'paused' }); // leaving the reports does not sign the desk out
    await call(`${t.url}/api/logout`, 'POST', desk);
    expect(await operator('alice')).toMatchObject({ state: 'offline' }); // the report session does not hold the operator in routing
  });
});
