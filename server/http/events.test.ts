import { openEvents, type SseMessage } from './testing/event-stream-reader';
import { call, login, startTestServer, type TestServer } from './testing/harness';

const isEvent = (name: string) => (m: SseMessage) => m.event === name;

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in 5 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('GET /api/events', () => {
  let t: TestServer;
  let token: string;
  beforeEach(async () => {
    t = await startTestServer({ heartbeatMs: 50 });
    token = await login(t);
  });
  afterEach(async () => t.close());

  it('streams the state now and an operator-state event after a status change', async () => {
    const events = await openEvents(`${t.url}/api/events?token=${token}`);
    expect(events.res.status).toBe(200);
    expect(events.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect((await events.next(isEvent('operator-state'))).data).toMatchObject({ status: 'paused', reason: 'login' });
    t.clock.now += 2_000;
    await call(`${t.url}/api/operators/me/status`, 'PUT', token, { status: 'available' });
    expect((await events.next(isEvent('operator-state'))).data).toEqual({ status: 'available', since: new Date(t.clock.now).toISOString() });
    await events.close();
  });

  it('delivers only the events of the operator owning the token', async () => {
    const bobToken = await login(t, '1002', 'bob-pw');
    const alice = await openEvents(`${t.url}/api/events?token=${token}`);
    const bob = await openEvents(`${t.url}/api/events?token=${bobToken}`);
    await alice.next(isEvent('operator-state'));
    await bob.next(isEvent('operator-state'));
    t.bus.emit('call', { callId: 'c7', operatorId: 'bob', phase: 'offered', queue: 'support', caller: '+4930123', waitSeconds: 12 });
    t.bus.emit('call', { callId: 'c8', operatorId: 'alice', phase: 'offered', queue: 'support', caller: '+4930999', waitSeconds: 3 });
    await t.acd.setAvailable('bob');
    expect((await bob.next(isEvent('call'))).data).toEqual({ callId: 'c7', phase: 'offered', queue: 'support', caller: '+4930123', waitSeconds: 12 });
    expect((await bob.next(isEvent('operator-state'))).data).toMatchObject({ status: 'available' });
    expect((await alice.next(isEvent('call'))).data).toMatchObject({ callId: 'c8' });
    t.bus.emit('operator-state', { operatorId: 'alice', status: 'paused', reason: 'elsewhere', since: t.clock.now + 1 });
    expect((await alice.next(isEvent('operator-state'))).data).toMatchObject({ reason: 'elsewhere' });
    expect(alice.messages.filter((m) => m.event === 'call')).toHaveLength(1);
    expect(alice.messages.filter((m) => m.event === 'operator-state')).toHaveLength(2);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('sends a change once when it arrives both from the acd and from the bus', async () => {
    const events = await openEvents(`${t.url}/api/events?token=${token}`);
    await events.next(isEvent('operator-state'));
    await t.acd.setAvailable('alice');
    t.bus.emit('operator-state', { operatorId: 'alice', status: 'available', since: t.clock.now });
    await events.next((m) => m.comment === 'heartbeat');
    await events.next((m) => m.comment === 'heartbeat');
    expect(events.messages.filter((m) => m.event === 'operator-state').map((m) => (m.data as { status: string }).status)).toEqual(['paused', 'available']);
    await events.close();
  });

  it('writes heartbeat comments and drops the stream when the client goes away', async () => {
    const events = await openEvents(`${t.url}/api/events`.concat(`?token=${token}`));
    await events.next((m) => m.comment === 'heartbeat');
    expect(t.http.eventStreams()).toBe(1);
    await events.close();
    await until(() => t.http.eventStreams() === 0);
  });

  it('ends the stream when the session signs out', async () => {
    const events = await openEvents(`${t.url}/api/events?token=${token}`);
    await events.next(isEvent('operator-state'));
    await call(`${t.url}/api/logout`, 'POST', token);
    await events.ended;
    expect(t.http.eventStreams()).toBe(0);
  });

  it('close() ends every stream and is idempotent', async () => {
    const events = await openEvents(`${t.url}/api/events?token=${token}`);
    await events.next(isEvent('operator-state'));
    t.http.close();
    t.http.close();
    await events.ended;
    expect(t.http.eventStreams()).toBe(0);
  });

  it('requires a live token', async () => {
    const res = await fetch(`${t.url}/api/events?token=nope`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR_UNAUTHORIZED');
    expect((await fetch(`${t.url}/api/events`)).status).toBe(401);
  });
});
