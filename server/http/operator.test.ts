import { Acd } from '../routing';
import { call, login, startTestServer, type TestServer } from './testing/harness';

describe('the signed-in operator', () => {
  let t: TestServer;
  let token: string;
  beforeEach(async () => {
    t = await startTestServer();
    token = await login(t);
  });
  afterEach(async () => t.close());

  const alice = async () => (await t.acd.snapshot()).operators.find((o) => o.id === 'alice');
  const status = (body: unknown) => call(`${t.url}/api/operators/me/status`, 'PUT', token, body);
  const wrapUp = (body: unknown) => call(`${t.url}/api/operators/me/wrap-up`, 'POST', token, body);

  /** Puts alice on a call in `support`; returns the call id. */
  async function onCall(callId = 'c1'): Promise<string> {
    await t.acd.setAvailable('alice');
    const { offers } = await t.acd.enqueue({ id: callId, queueId: 'support' });
    await t.acd.onAnswered({ callId, operatorId: 'alice', token: offers[0].token });
    return callId;
  }

  it('tells who they are, their state and the dispositions', async () => {
    const res = await call(`${t.url}/api/operators/me`, 'GET', token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 'alice', name: 'Alice',
      state: { status: 'paused', reason: 'login', since: new Date(t.clock.now).toISOString() },
      dispositions: ['resolved', 'callback', 'escalated'],
      pauseReasons: [
        { id: 'break', label: 'Break' }, { id: 'lunch', label: 'Lunch' }, { id: 'training', label: 'Training' },
        { id: 'after-call-admin', label: 'After-call admin' },
      ],
      wrapUp: { extendSeconds: 30, maxTotalSeconds: 300 },
    });
  });

  it.each([
    [{ status: 'available' }, { state: 'available' }],
    [{ status: 'paused', reason: 'lunch' }, { state: 'paused', reason: 'lunch' }],
    [{ status: 'offline' }, { state: 'offline' }],
  ])('PUT status %j is reflected in the acd snapshot', async (body, expected) => {
    t.clock.now += 1_000;
    const res = await status(body);
    expect(res.status).toBe(200);
    expect(res.body.state).toMatchObject({ status: expected.state, since: new Date(t.clock.now).toISOString() });
    expect(await alice()).toMatchObject(expected);
  });

  it('walks offline → paused → available → offline → available', async () => {
    const steps: Array<[unknown, string]> = [
      [{ status: 'offline' }, 'offline'],
      [{ status: 'paused', reason: 'training' }, 'paused'],
      [{ status: 'available' }, 'available'],
      [{ status: 'available' }, 'available'],
      [{ status: 'offline' }, 'offline'],
      [{ status: 'offline' }, 'offline'],
      [{ status: 'available' }, 'available'],
    ];
    for (const [body, state] of steps) {
      const res = await status(body);
      expect([res.status, res.body.state.status]).toEqual([200, state]);
      expect((await alice())?.state).toBe(state);
    }
  });

  it('answers 409 ERR_ILLEGAL_TRANSITION to a status change the operator state machine refuses', async () => {
    await onCall();
    const res = await status({ status: 'paused', reason: 'break' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'ERR_ILLEGAL_TRANSITION', details: { operatorId: 'alice', state: 'on-call', action: 'pause' } });
    expect((await alice())?.state).toBe('on-call');
  });

  it.each([
    [{ status: 'paused' }, 'reason'],
    [{ status: 'busy' }, 'status'],
    [{}, 'status'],
  ])('answers 400 to the status %j naming %s', async (body, field) => {
    const res = await status(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('ERR_INVALID_INPUT');
    expect(res.body.error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
  });

  it('ends wrap-up and stores the disposition with the call just handled', async () => {
    const callId = await onCall();
    await t.acd.onHangup(callId);
    expect((await alice())?.state).toBe('wrap-up');
    const res = await wrapUp({ disposition: 'resolved', notes: ' refund sent ' });
    expect(res.status).toBe(200);
    expect(res.body.state.status).toBe('available');
    expect((await alice())?.state).toBe('available');
    expect(t.dispositions.recorded).toEqual([{ callId, operatorId: 'alice', disposition: 'resolved', notes: 'refund sent' }]);
  });

  it('takes the disposition of a call whose wrap-up time already ran out', async () => {
    const callId = await onCall();
    await t.acd.onHangup(callId);
    t.clock.now += 6_000;
    await t.acd.tick();
    expect((await alice())?.state).toBe('available');
    const res = await wrapUp({ disposition: 'callback' });
    expect([res.status, res.body.state.status]).toEqual([200, 'available']);
    expect(t.dispositions.recorded).toEqual([{ callId, operatorId: 'alice', disposition: 'callback' }]);
    const again = await wrapUp({ disposition: 'callback' });
    expect(again.status).toBe(409);
  });

  it('falls back to the newest call record when the completed call is not known here', async () => {
    t.cdrs.records.push(
      { callId: 'old', queue: 'support', trunkId: 'pstn', caller: '1', number: '100', operatorId: 'alice', outcome: 'answered', arrivedAt: 1, endedAt: 2, waitSeconds: 0, talkSeconds: 1, direction: 'inbound', instanceId: 'test', holdSeconds: 0, segments: [] },
      { callId: 'new', queue: 'support', trunkId: 'pstn', caller: '1', number: '100', operatorId: 'alice', outcome: 'answered', arrivedAt: 5, endedAt: 9, waitSeconds: 0, talkSeconds: 4, direction: 'inbound', instanceId: 'test', holdSeconds: 0, segments: [] },
    );
    // the call is handled by another instance over the same state: this app sees no events of it
    const other = new Acd({ store: t.store, now: () => t.clock.now, newId: () => 'other', random: () => 0.5 });
    await other.setAvailable('alice');
    const { offers } = await other.enqueue({ id: 'c9', queueId: 'support' });
    await other.onAnswered({ callId: 'c9', operatorId: 'alice', token: offers[0].token });
    await other.onHangup('c9');
    const res = await wrapUp({ disposition: 'resolved' });
    expect([res.status, res.body.state.status]).toEqual([200, 'available']);
    expect(t.dispositions.recorded).toEqual([{ callId: 'new', operatorId: 'alice', disposition: 'resolved' }]);
  });

  it('answers 409 to a wrap-up with no call to wrap up', async () => {
    const res = await wrapUp({ disposition: 'resolved' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ERR_ILLEGAL_TRANSITION');
    expect(t.dispositions.recorded).toEqual([]);
  });

  it('answers 400 naming the disposition when it is not one of the codes', async () => {
    const callId = await onCall();
    await t.acd.onHangup(callId);
    const res = await wrapUp({ disposition: 'whatever' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('disposition: expected one of resolved, callback, escalated');
    expect((await alice())?.state).toBe('wrap-up');
  });
});
