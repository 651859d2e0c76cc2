import type { SupervisorAction } from './deps';
import { scopeModel, type ConsoleModel } from './console-model';
import { openEvents, type SseMessage } from './testing/event-stream-reader';
import { call, login, startTestServer, type TestServer } from './testing/harness';

const isEvent = (name: string) => (m: SseMessage) => m.event === name;

/** alice is an admin, bob an operator (TEST_CONFIG); `sales` is added here as a second queue. */
describe('supervisor console API', () => {
  let t: TestServer;
  let admin: string;
  let operator: string;
  const audit: SupervisorAction[] = [];
  beforeEach(async () => {
    audit.length = 0;
    t = await startTestServer({ heartbeatMs: 50 }, { audit: { record: async (a) => void audit.push(a) }, queueTargets: [{ id: 'support', serviceLevelMs: 30_000, serviceLevelTarget: 0.9 }] });
    await t.acd.configure({ queues: [{ id: 'sales', strategy: 'longest-idle' }], operators: [] });
    admin = await call(`${t.url}/api/login`, 'POST', undefined, { username: 'alice', password: 'alice-pw', routing: false }).then((r) => r.body.token as string);
    operator = await login(t, '1002', 'bob-pw');
  });
  afterEach(async () => t.close());

  const post = (path: string, body: unknown, token = admin) => call(`${t.url}/api/supervisor/calls/${path}`, 'POST', token, body);

  it('refuses every console route to an operator (403) and to nobody (401)', async () => {
    await t.acd.enqueue({ id: 'c1', queueId: 'support' });
    for (const [method, path, body] of [
      ['GET', '/api/supervisor/console', undefined],
      ['POST', '/api/supervisor/calls/c1/move', { queue: 'sales' }],
      ['POST', '/api/supervisor/calls/c1/assign', { operatorId: 'bob' }],
      ['POST', '/api/supervisor/calls/c1/priority', { priority: 5 }],
      ['PUT', '/api/operators/bob/status', { status: 'paused', reason: 'break' }],
    ] as const) {
      const res = await call(`${t.url}${path}`, method, operator, body);
      expect([path, res.status, res.body.error.code]).toEqual([path, 403, 'ERR_FORBIDDEN']);
      expect((await call(`${t.url}${path}`, method, undefined, body)).status).toBe(401);
    }
    const stream = await fetch(`${t.url}/api/supervisor/events?token=${operator}`);
    expect(stream.status).toBe(403);
    await stream.text();
    expect((await t.acd.snapshot()).queues.find((q) => q.id === 'support')?.waiting).toMatchObject([{ callId: 'c1', priority: 0 }]);
    expect(audit).toEqual([]);
  });

  it('shows the queues with waiting calls, service level target, operators and live calls', async () => {
    await t.acd.enqueue({ id: 'c1', queueId: 'support', priority: 2 });
    t.calls.calls = [{ callId: 'sip-1', visitId: 'c1', queue: 'support', caller: '+4930111', state: 'queued', since: t.clock.now }];
    const res = await call(`${t.url}/api/supervisor/console`, 'GET', admin);
    expect(res.status).toBe(200);
    const support = res.body.queues.find((q: { id: string }) => q.id === 'support');
    expect(support).toMatchObject({
      waiting: [{ callId: 'c1', caller: '+4930111', priority: 2, position: 1, since: new Date(t.clock.now).toISOString() }],
      serviceLevelSeconds: 30, serviceLevelTarget: 0.9, today: { offered: 1, answered: 0 },
    });
    expect(res.body.queues.map((q: { id: string }) => q.id)).toEqual(['sales', 'support']); // no direct queues
    expect(res.body.operators.find((o: { id: string }) => o.id === 'bob')).toMatchObject({ name: 'Bob', state: 'paused', reason: 'login', queues: ['support'] });
    expect(res.body.calls).toEqual([{ callId: 'sip-1', visitId: 'c1', queue: 'support', caller: '+4930111', state: 'queued', since: new Date(t.clock.now).toISOString() }]);
  });

  it('moves a waiting call, gives one to a named operator, raises a priority — each audited with who did it', async () => {
    await t.acd.enqueue({ id: 'c1', queueId: 'support' });
    await t.acd.enqueue({ id: 'c2', queueId: 'support' });
    expect((await post('c2/priority', { priority: 7 })).body).toEqual({ callId: 'c2', priority: 7, position: 1, audited: true });
    expect((await post('c1/move', { queue: 'sales' })).body).toEqual({ callId: 'c1', queue: 'sales', audited: true });
    const snap = await t.acd.snapshot();
    expect(snap.queues.find((q) => q.id === 'sales')?.waiting.map((w) => w.callId)).toEqual(['c1']);
    expect((await post('c2/assign', { operatorId: 'bob' })).status).toBe(409); // bob is paused
    await t.acd.setAvailable('bob'); // routing offers bob c2 at once (he is a member)
    await t.acd.enqueue({ id: 'c3', queueId: 'sales' }); // bob is not in sales
    const bobNow = (await t.acd.snapshot()).operators.find((o) => o.id === 'bob');
    expect(bobNow?.state).toBe('reserved');
    expect((await post('c3/assign', { operatorId: 'bob' })).status).toBe(409); // busy with c2
    expect((await post('c2/move', { queue: 'sales' })).status).toBe(409); // ringing, not waiting
    expect(audit.map((a) => [a.by, a.action, a.callId, a.queue, a.details])).toEqual([
      ['alice', 'set-priority', 'c2', 'support', { priority: 7, from: 0 }],
      ['alice', 'move-call', 'c1', 'support', { to: 'sales' }],
    ]);
  });

  it('gives a call to a named available operator outside the queue; refuses bad input', async () => {
    await t.acd.setAvailable('bob');
    await t.acd.enqueue({ id: 'c3', queueId: 'sales' });
    const res = await post('c3/assign', { operatorId: 'bob' });
    expect(res.body).toEqual({ callId: 'c3', operatorId: 'bob', audited: true });
    const bob = (await t.acd.snapshot()).operators.find((o) => o.id === 'bob');
    expect(bob).toMatchObject({ state: 'reserved', callId: 'c3' });
    expect(audit[0]).toMatchObject({ by: 'alice', action: 'assign-call', callId: 'c3', queue: 'sales', operatorId: 'bob' });
    await t.acd.enqueue({ id: 'c4', queueId: 'sales' });
    expect((await post('c4/move', { queue: 'direct@bob' })).status).toBe(404);
    expect((await post('c4/move', { queue: 'nowhere' })).status).toBe(404);
    expect((await post('c4/move', { queue: 'sales' })).status).toBe(409);
    expect((await post('c4/priority', { priority: 100 })).status).toBe(400);
    expect((await post('c4/assign', { operatorId: 'nobody' })).status).toBe(404);
    expect((await post('ghost/priority', { priority: 1 })).status).toBe(409);
  });

  it('records a forced operator state with who did it', async () => {
    await t.acd.setAvailable('bob');
    const res = await call(`${t.url}/api/operators/bob/status`, 'PUT', admin, { status: 'paused', reason: 'break' });
    expect(res.body).toMatchObject({ state: { status: 'paused', reason: 'break' }, audited: true });
    expect(audit).toEqual([{ at: t.clock.now, by: 'alice', action: 'operator-status', operatorId: 'bob', details: { from: 'available', status: 'paused', reason: 'break' } }]);
  });

  it('streams a snapshot, then only what changed; a reconnect starts with a snapshot again', async () => {
    const first = await openEvents(`${t.url}/api/supervisor/events?token=${admin}`);
    const snap = (await first.next(isEvent('snapshot'))).data as ConsoleModel;
    expect(snap.queues.find((q) => q.id === 'support')?.waiting).toEqual([]);
    await t.acd.enqueue({ id: 'c1', queueId: 'support' });
    const update = (await first.next(isEvent('update'))).data as Record<string, unknown>;
    expect(update.queues).toMatchObject([{ id: 'support', waiting: [{ callId: 'c1' }] }]);
    expect(update.operators).toBeUndefined();
    await t.acd.setAvailable('bob');
    const offered = (await first.next((m) => m.event === 'update' && JSON.stringify(m.data).includes('reserved'))).data as Record<string, unknown>;
    expect(offered.operators).toMatchObject([{ id: 'bob', state: 'reserved' }]);
    await first.close();
    const again = await openEvents(`${t.url}/api/supervisor/events?token=${admin}`);
    const snap2 = (await again.next(isEvent('snapshot'))).data as ConsoleModel;
    expect(snap2.operators.find((o) => o.id === 'bob')?.state).toBe('reserved');
    expect(snap2.queues.find((q) => q.id === 'support')).toMatchObject({ waiting: [], ringing: 1 });
    await again.close();
  });
});

describe('the audit of console actions', () => {
  it('lists the actions newest first: an admin all, an operator none (403)', async () => {
    const stored = [{ at: Date.UTC(2025, 0, 15, 9), by: 'alice', action: 'move-call', callId: 'c1', queue: 'support', details: { to: 'sales' } }];
    const store = { querySupervisorActions: async (filter: { limit?: number }) => stored.slice(0, filter.limit) };
    const t = await startTestServer({}, { records: { store: store as never, timeZone: 'UTC', shortAbandonSeconds: 5, serviceLevelSeconds: {} } });
    try {
      const admin = await login(t);
      const res = await call(`${t.url}/api/supervisor/actions?limit=5`, 'GET', admin);
      expect(res.body).toEqual({ actions: [{ ...stored[0], at: '2025-01-15T09:00:00.000Z' }] });
      expect((await call(`${t.url}/api/supervisor/actions?limit=0`, 'GET', admin)).status).toBe(400);
      expect((await call(`${t.url}/api/supervisor/actions`, 'GET', await login(t, '1002', 'bob-pw'))).status).toBe(403);
    } finally {
      await t.close();
    }
  });
});

describe('console scope', () => {
  const model: ConsoleModel = {
    at: 0,
    queues: [{ id: 'a' }, { id: 'b' }] as ConsoleModel['queues'],
    operators: [{ id: 'x', queues: ['a'] }, { id: 'y', queues: ['b'] }] as ConsoleModel['operators'],
    calls: [{ callId: '1', queue: 'a' }, { callId: '2', queue: 'b' }, { callId: '3', queue: 'b', operatorId: 'x' }] as ConsoleModel['calls'],
  };
  it('shows a supervisor their queues, the operators in them and those calls; an admin everything', () => {
    const scoped = scopeModel(model, { operatorId: 's', role: 'supervisor', queues: ['a'] });
    expect([scoped.queues.map((q) => q.id), scoped.operators.map((o) => o.id), scoped.calls.map((c) => c.callId)]).toEqual([['a'], ['x'], ['1', '3']]);
    expect(scopeModel(model, { operatorId: 'r', role: 'admin' })).toBe(model);
  });
});
