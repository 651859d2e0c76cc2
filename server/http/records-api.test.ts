/** The record, report and customer routes over a real (in-memory PGlite) record store, with roles. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigSchema } from '../../config';
import type { CallRecord } from '../records/model';
import { openRecordStore, type SqlRecordStore } from '../records/sql-record-store';
import { Acd } from '../routing';
import { MemoryAcdStore } from '../store/memory-store';
import { createApp, type HttpApp } from './app';
import type { HttpDeps } from './deps';
import { ServerEventBus } from './event-bus';
import { createOperatorDirectory } from './operator-directory';
import { call, MemoryCdrStore, MemoryDispositions, MemoryLiveCalls } from './testing/harness';

const DAY = Date.UTC(2026, 2, 2, 0, 0, 0);
const op = (id: string, queues: string[]) => ({ id, name: id, sip: { username: id, password: `${id}-pw` }, queues: queues.map((queue) => ({ queue })) });
const CONFIG = ConfigSchema.parse({
  queues: [{ id: 'support', strategy: 'longest-idle', serviceLevelMs: 20_000 }, { id: 'sales', strategy: 'longest-idle' }],
  operators: [op('alice', ['support']), op('bob', ['support']), op('carol', ['sales']), op('sue', ['support']), op('ann', [])],
  roles: { supervisors: ['sue'], admins: ['ann'] },
});

function rec(callId: string, queue: string, operatorId: string, over: Partial<CallRecord> = {}): CallRecord {
  const arrivedAt = DAY + 9 * 3_600_000;
  return {
    callId, direction: 'inbound', queue, trunkId: 'pstn', caller: '+4930111222', number: '100', operatorId, instanceId: 'i1',
    outcome: 'answered', arrivedAt, answeredAt: arrivedAt + 8_000, endedAt: arrivedAt + 68_000, waitSeconds: 8, talkSeconds: 60, holdSeconds: 0,
    segments: [{ seq: 1, kind: 'answered', startedAt: arrivedAt + 8_000, endedAt: arrivedAt + 68_000, queue, operatorId }], ...over,
  };
}

let store: SqlRecordStore;
let http: HttpApp;
let server: Server;
let url: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  store = await openRecordStore({});
  await store.saveCalls([
    rec('a1', 'support', 'alice', { customerId: 'cust-known' }),
    rec('b1', 'support', 'bob'),
    rec('c1', 'sales', 'carol'),
    // transferred from alice to bob: both handled it
    rec('t1', 'support', 'bob', { segments: [{ seq: 1, kind: 'answered', startedAt: DAY, operatorId: 'alice', queue: 'support' }, { seq: 2, kind: 'answered', startedAt: DAY + 1, operatorId: 'bob' }] }),
  ]);
  let n = 0;
  const deps: HttpDeps = {
    acd: new Acd({ store: new MemoryAcdStore(), now: () => DAY, newId: () => `id${++n}`, random: () => 0.5 }),
    operators: createOperatorDirectory(CONFIG), calls: new MemoryLiveCalls(), cdrs: new MemoryCdrStore(), dispositions: new MemoryDispositions(),
    events: new ServerEventBus(), softphoneDir: __dirname, now: () => DAY + 10 * 3_600_000, newToken: () => `token-${++n}`,
    records: { store, timeZone: 'Europe/Berlin', shortAbandonSeconds: 5, serviceLevelSeconds: { support: 20, sales: 20 } },
  };
  await (deps.acd as Acd).configure({
    queues: CONFIG.queues.map(({ announcement: _a, musicOnHold: _m, ...q }) => q),
    operators: CONFIG.operators.map(({ name: _n, sip: _s, ...o }) => o),
  });
  http = createApp(deps);
  server = await new Promise((resolve) => {
    const s = http.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const id of ['alice', 'bob', 'sue', 'ann']) {
    const res = await call(`${url}/api/login`, 'POST', undefined, { username: id, password: `${id}-pw` });
    if (res.status !== 200) throw new Error(`sign-in of ${id}: ${res.status} ${JSON.stringify(res.body)}`);
    tokens[id] = res.body.token;
  }
}, 120_000);

afterAll(async () => {
  http?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await store?.close();
});

const get = (path: string, who: string) => call(`${url}${path}`, 'GET', tokens[who]);
const ids = async (path: string, who: string) => {
  const res = await get(path, who);
  expect(res.status).toBe(200);
  return (res.body.calls as Array<{ callId: string }>).map((c) => c.callId).sort();
};
const range = `from=${new Date(DAY).toISOString()}&to=${new Date(DAY + 86_400_000).toISOString()}`;

describe('who may read which call', () => {
  it('an operator reads the calls they handled, and nobody else\'s (403)', async () => {
    expect(await ids('/api/records/calls', 'alice')).toEqual(['a1', 't1']);
    expect(await ids('/api/records/calls', 'bob')).toEqual(['b1', 't1']);
    expect((await get('/api/records/calls?operatorId=bob', 'alice')).status).toBe(403);
    expect((await get('/api/records/calls/b1', 'alice')).status).toBe(403);
    const own = await get('/api/records/calls/a1', 'alice');
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ callId: 'a1', arrivedAt: '2026-03-02T09:00:00.000Z', segments: [{ kind: 'answered', startedAt: '2026-03-02T09:00:08.000Z' }] });
  });

  it('a supervisor reads their queues\' calls; an admin reads all', async () => {
    expect(await ids('/api/records/calls', 'sue')).toEqual(['a1', 'b1', 't1']);
    expect((await get('/api/records/calls?queue=sales', 'sue')).status).toBe(403);
    expect((await get('/api/records/calls/c1', 'sue')).status).toBe(403);
    expect(await ids('/api/records/calls', 'ann')).toEqual(['a1', 'b1', 'c1', 't1']);
    expect((await get('/api/records/calls/nope', 'ann')).status).toBe(404);
  });

  it('refuses a bad query naming the field', async () => {
    const res = await get('/api/records/calls?limit=0', 'ann');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('limit');
  });
});

describe('reports', () => {
  it('an operator\'s token cannot read a queue report (403)', async () => {
    expect((await get(`/api/reports/queues?${range}`, 'alice')).status).toBe(403);
    expect((await get(`/api/reports/operators?${range}`, 'alice')).status).toBe(403);
    expect((await get(`/api/reports/shifts?${range}`, 'alice')).status).toBe(403);
  });

  it('a supervisor gets their queues only; an admin gets all, in the centre\'s time zone', async () => {
    const sue = await get(`/api/reports/queues?${range}&interval=range`, 'sue');
    expect(sue.status).toBe(200);
    expect(sue.body.rows.map((r: { queue: string }) => r.queue)).toEqual(['support']);
    expect(sue.body.rows[0]).toMatchObject({ offered: 3, answered: 3, serviceLevelPercent: 100, asaSeconds: 8, bucket: '2026-03-02T00:00:00.000Z' });
    expect((await get(`/api/reports/queues?${range}&queue=sales`, 'sue')).status).toBe(403);
    const ann = await get(`/api/reports/queues?${range}&interval=day`, 'ann');
    expect(ann.body.rows.map((r: { queue: string; bucketLabel: string }) => `${r.queue} ${r.bucketLabel}`)).toEqual(['sales 2026-03-02 00:00', 'support 2026-03-02 00:00']);
    const ops = await get(`/api/reports/operators?${range}&interval=range`, 'sue');
    expect(ops.body.rows.map((r: { operatorId: string }) => r.operatorId)).toEqual(['alice', 'bob']);
  });

  it('downloads CSV', async () => {
    const res = await fetch(`${url}/api/reports/queues?${range}&interval=range&format=csv`, { headers: { authorization: `Bearer ${tokens.ann}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]?.startsWith('bucket,bucketLabel,queue,offered,answered,abandoned')).toBe(true);
    expect(lines).toHaveLength(3);
  });

  it('refuses a report without a range', async () => {
    expect((await get('/api/reports/queues', 'ann')).status).toBe(400);
  });
});

describe('customers', () => {
  it('an operator creates a customer during a call, and the card (with last calls) pops up by phone', async () => {
    const created = await call(`${url}/api/customers`, 'POST', tokens.alice, { name: 'Ada', phones: ['+49 30 111 222'], tags: ['vip'] });
    expect(created.status).toBe(201);
    // a2 is linked to the customer (from another number); the others came from the customer's number
    await store.saveCall(rec('a2', 'support', 'alice', { customerId: created.body.id, caller: '+4930999888', disposition: 'callback', notes: 'call back Monday' }));
    const card = await get(`/api/customers/lookup?phone=${encodeURIComponent('+4930111222')}`, 'bob');
    expect(card.status).toBe(200);
    expect(card.body.customer).toMatchObject({ name: 'Ada', phones: ['+4930111222'], tags: ['vip'] });
    expect(card.body.lastCalls).toEqual(expect.arrayContaining([expect.objectContaining({ callId: 'a2', operatorId: 'alice', disposition: 'callback', notes: 'call back Monday' })]));
    expect(card.body.lastCalls.map((c: { callId: string }) => c.callId)).toEqual(expect.arrayContaining(['a1', 'b1', 'c1']));
    expect(new Set(card.body.lastCalls.map((c: { callId: string }) => c.callId)).size).toBe(card.body.lastCalls.length);
    const edited = await call(`${url}/api/customers/${created.body.id}`, 'PATCH', tokens.alice, { notes: 'prefers mornings' });
    expect(edited.body).toMatchObject({ notes: 'prefers mornings', name: 'Ada' });
    expect((await get(`/api/customers/${created.body.id}`, 'alice')).status).toBe(200);
    expect((await get(`/api/customers/${created.body.id}`, 'bob')).status).toBe(403);
    const unknown = await get('/api/customers/lookup?phone=%2B15550001111', 'alice');
    expect(unknown.body).toEqual({ customer: null, lastCalls: [] });
  });

  it('search, export and import are for supervisors and admins; delete for admins', async () => {
    expect((await get('/api/customers?q=ada', 'alice')).status).toBe(403);
    expect((await get('/api/customers?q=ada', 'sue')).body.customers.map((c: { name: string }) => c.name)).toEqual(['Ada']);
    const imported = await fetch(`${url}/api/customers/import`, {
      method: 'POST', headers: { authorization: `Bearer ${tokens.sue}`, 'content-type': 'text/csv' },
      body: 'name,phones,tags\nGrace,+12025550101,tech\nBad,12,\n',
    });
    expect(await imported.json()).toEqual({ created: 1, updated: 0, errors: [expect.objectContaining({ line: 3, code: 'ERR_BAD_PHONE' })] });
    const exported = await fetch(`${url}/api/customers/export.csv`, { headers: { authorization: `Bearer ${tokens.sue}` } });
    expect((await exported.text()).split('\r\n').filter(Boolean)).toHaveLength(3);
    const grace = (await get('/api/customers?q=grace', 'ann')).body.customers[0];
    expect((await call(`${url}/api/customers/${grace.id}`, 'DELETE', tokens.sue)).status).toBe(403);
    expect((await call(`${url}/api/customers/${grace.id}`, 'DELETE', tokens.ann)).status).toBe(204);
    expect((await call(`${url}/api/customers/${grace.id}`, 'DELETE', tokens.ann)).status).toBe(404);
  });

  it('a phone number owned by another customer is 409, a bad one 400', async () => {
    expect((await call(`${url}/api/customers`, 'POST', tokens.alice, { phones: ['+4930111222'] })).status).toBe(409);
    expect((await call(`${url}/api/customers`, 'POST', tokens.alice, { phones: ['abc'] })).status).toBe(400);
  });
});
