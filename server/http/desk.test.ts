import { openEvents, type SseMessage } from './testing/event-stream-reader';
import { call, login, startTestServer, type TestServer } from './testing/harness';

/** TEST_CONFIG: queue `support` has 5 s of wrap-up; the desk section has its defaults (Extend 30 s, 300 s in all). */
describe('the operator desk: pause reasons and wrap-up extension', () => {
  let t: TestServer;
  let token: string;
  const limits: string[] = [];
  beforeEach(async () => {
    limits.length = 0;
    t = await startTestServer({}, { onLimit: (limit) => limits.push(limit) });
    token = await login(t);
  });
  afterEach(async () => t.close());

  const alice = async () => (await t.acd.snapshot()).operators.find((o) => o.id === 'alice');
  const status = (body: unknown) => call(`${t.url}/api/operators/me/status`, 'PUT', token, body);
  const extend = () => call(`${t.url}/api/operators/me/wrap-up/extend`, 'POST', token);

  async function wrapUp(callId = 'c1'): Promise<void> {
    await t.acd.setAvailable('alice');
    const { offers } = await t.acd.enqueue({ id: callId, queueId: 'support' });
    await t.acd.onAnswered({ callId, operatorId: 'alice', token: offers[0].token });
    await t.acd.onHangup(callId);
  }

  it.each(['break', 'lunch', 'training', 'after-call-admin'])('takes the configured pause reason %s', async (reason) => {
    const res = await status({ status: 'paused', reason });
    expect([res.status, res.body.state]).toEqual([200, expect.objectContaining({ status: 'paused', reason })]);
    expect(await alice()).toMatchObject({ state: 'paused', reason });
  });

  it.each(['coffee', 'Break', 'login', 'no-answer'])('refuses the unknown pause reason %s with 400 naming the field and the choices', async (reason) => {
    await status({ status: 'available' });
    const res = await status({ status: 'paused', reason });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'ERR_INVALID_INPUT', details: { issues: [{ field: 'reason', message: 'expected one of break, lunch, training, after-call-admin' }] } });
    expect(res.body.error.message).toContain(`(got "${reason}")`);
    expect((await alice())?.state).toBe('available');
  });

  it('answers the wrap-up deadline with the state, and Extend moves it by the configured step', async () => {
    await wrapUp();
    const start = t.clock.now;
    const me = await call(`${t.url}/api/operators/me`, 'GET', token);
    expect(me.body.state).toEqual({ status: 'wrap-up', since: new Date(start).toISOString(), wrapUpEndsAt: new Date(start + 5_000).toISOString(), wrapUpLeftMs: 5_000 });
    t.clock.now += 2_000;
    const res = await extend();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      extendedSeconds: 30,
      state: { status: 'wrap-up', since: new Date(start).toISOString(), wrapUpEndsAt: new Date(start + 35_000).toISOString(), wrapUpLeftMs: 33_000 },
    });
    expect((await alice())?.wrapUpEndsAt).toBe(start + 35_000);
    // the old deadline passes: still in wrap-up
    t.clock.now = start + 6_000;
    await t.acd.tick();
    expect((await alice())?.state).toBe('wrap-up');
  });

  it('never extends beyond the total: the last step is cut, the next is 409 ERR_WRAP_UP_LIMIT and counted', async () => {
    await wrapUp();
    const start = t.clock.now;
    const granted: number[] = [];
    for (;;) {
      const res = await extend();
      if (res.status !== 200) {
        expect(res.status).toBe(409);
        expect(res.body.error).toMatchObject({ code: 'ERR_WRAP_UP_LIMIT', details: { maxTotalSeconds: 300 } });
        break;
      }
      granted.push(res.body.extendedSeconds);
      if (granted.length > 20) throw new Error('no limit');
    }
    // 5 s of wrap-up, then 30 s steps up to 300 s: 9 full steps and a last one of 25 s
    expect(granted).toEqual([30, 30, 30, 30, 30, 30, 30, 30, 30, 25]);
    expect((await alice())?.wrapUpEndsAt).toBe(start + 300_000);
    expect(limits).toEqual(['wrap-up-extension']);
  });

  it('two Extends at once both count against the limit', async () => {
    await wrapUp();
    const results = await Promise.all(Array.from({ length: 12 }, () => extend()));
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    expect(results.filter((r) => r.status === 409)).toHaveLength(2);
    expect(((await alice())?.wrapUpEndsAt ?? 0) - t.clock.now).toBe(300_000);
  });

  it('answers 409 ERR_ILLEGAL_TRANSITION to an Extend outside wrap-up', async () => {
    const res = await extend();
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'ERR_ILLEGAL_TRANSITION', details: { state: 'paused', action: 'extend-wrap-up' } });
    expect(limits).toEqual([]);
  });

  it('the event stream carries the wrap-up deadline, and the new one after an Extend', async () => {
    const events = await openEvents(`${t.url}/api/events?token=${token}`);
    try {
      const state = (m: SseMessage) => m.event === 'operator-state';
      await events.next(state);
      await wrapUp();
      const start = t.clock.now;
      const entered = await events.next((m) => state(m) && (m.data as { status: string }).status === 'wrap-up');
      expect(entered.data).toEqual({ status: 'wrap-up', since: new Date(start).toISOString(), wrapUpEndsAt: new Date(start + 5_000).toISOString(), wrapUpLeftMs: 5_000 });
      t.clock.now += 1_000;
      await extend();
      const extended = await events.next(state);
      expect(extended.data).toEqual({ status: 'wrap-up', since: new Date(start).toISOString(), wrapUpEndsAt: new Date(start + 35_000).toISOString(), wrapUpLeftMs: 34_000 });
      await status({ status: 'available' });
      const left = await events.next(state);
      expect(left.data).toEqual({ status: 'available', since: new Date(t.clock.now).toISOString() });
    } finally {
      await events.close();
    }
  });

  it('a missed call pauses with the server reason, which the stream carries', async () => {
    const events = await openEvents(`${t.url}/api/events?token=${token}`);
    try {
      await events.next((m) => m.event === 'operator-state');
      await t.acd.setAvailable('alice');
      const { offers } = await t.acd.enqueue({ id: 'c2', queueId: 'support' });
      await t.acd.onNoAnswer({ callId: 'c2', operatorId: 'alice', token: offers[0].token });
      const paused = await events.next((m) => m.event === 'operator-state' && (m.data as { status: string }).status === 'paused');
      expect(paused.data).toMatchObject({ status: 'paused', reason: 'no-answer' });
    } finally {
      await events.close();
    }
  });
});
