import { call, login, startTestServer, type TestServer } from './testing/harness';

/** alice is an admin (TEST_CONFIG); bob is an operator. */
describe('a supervisor or admin sets an operator’s status, from any state', () => {
  let t: TestServer;
  let admin: string;
  beforeEach(async () => {
    t = await startTestServer();
    admin = await login(t);
  });
  afterEach(async () => t.close());

  const bob = async () => (await t.acd.snapshot()).operators.find((o) => o.id === 'bob');
  const force = (id: string, body: unknown, token = admin) => call(`${t.url}/api/operators/${id}/status`, 'PUT', token, body);

  /** bob on a call, or ringing, or reserved (as left by a process that died). */
  async function hold(state: 'reserved' | 'ringing' | 'on-call'): Promise<void> {
    await t.acd.operatorLogin('bob');
    const { offers } = await t.acd.enqueue({ id: 'c1', queueId: 'support' });
    const ref = { callId: 'c1', operatorId: 'bob', token: offers[0]!.token };
    if (state === 'ringing') await t.acd.onRinging(ref);
    if (state === 'on-call') await t.acd.onAnswered(ref);
    expect((await bob())?.state).toBe(state);
  }

  it.each([
    ['on-call', { status: 'available' }, 'available'],
    ['on-call', { status: 'paused', reason: 'break' }, 'paused'],
    ['on-call', { status: 'offline' }, 'offline'],
    ['ringing', { status: 'paused', reason: 'break' }, 'paused'],
    ['reserved', { status: 'offline' }, 'offline'],
  ] as const)('from %s, %j makes the operator %s; the call leaves routing', async (from, body, to) => {
    await hold(from);
    const res = await force('bob', body);
    expect([res.status, res.body.state.status]).toEqual([200, to]);
    expect((await bob())?.state).toBe(to);
    const call = await t.store.readCall('c1');
    if (from === 'on-call') expect(call).toBeUndefined(); // completed by the forced logout
    else expect(call?.state).toBe('waiting'); // back in the queue for someone else
  });

  it('works from the ordinary states too (wrap-up, paused, offline)', async () => {
    await hold('on-call');
    await t.acd.onHangup('c1');
    expect((await bob())?.state).toBe('wrap-up');
    expect((await force('bob', { status: 'paused', reason: 'training' })).body.state).toMatchObject({ status: 'paused', reason: 'training' });
    expect((await force('bob', { status: 'offline' })).body.state.status).toBe('offline');
    expect((await force('bob', { status: 'available' })).body.state.status).toBe('available');
  });

  it('is refused to an operator (403), and for an unknown operator (404)', async () => {
    await hold('on-call');
    const operator = (await call(`${t.url}/api/login`, 'POST', undefined, { username: '1002', password: 'bob-pw' })).body.token as string;
    const res = await force('bob', { status: 'offline' }, operator);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('ERR_FORBIDDEN');
    expect((await bob())?.state).toBe('on-call');
    expect((await force('nobody', { status: 'offline' })).status).toBe(404);
    expect((await force('bob', { status: 'busy' })).status).toBe(400);
  });

  it('an operator can always sign out, even while held on a call', async () => {
    await hold('on-call');
    const operator = (await call(`${t.url}/api/login`, 'POST', undefined, { username: '1002', password: 'bob-pw' })).body.token as string;
    expect((await call(`${t.url}/api/logout`, 'POST', operator)).status).toBe(200);
    expect((await call(`${t.url}/api/operators/me`, 'GET', operator)).status).toBe(401);
  });
});
