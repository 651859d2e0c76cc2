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
  operators: [op('alice', ['support']), op('bob', ['support']), op('carol', ['sales']), op('sue', ['support']), op('ann', []), op('dave', ['support'])],
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
const live = new MemoryLiveCalls();
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
    operators: createOperatorDirectory(CONFIG), calls: live, cdrs: new MemoryCdrStore(), dispositions: new MemoryDispositions(),
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
  for (const id of ['alice', 'bob', 'sue', 'ann', 'dave']) {
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

  it('a supervisor cannot read the report of an operator outside their queues (403)', async () => {
    expect((await get(`/api/reports/operators?${range}&operatorId=carol`, 'sue')).status).toBe(403);
    expect((await get(`/api/reports/shifts?${range}&operatorId=carol`, 'sue')).status).toBe(403);
    expect((await get(`/api/reports/operators?${range}&queue=sales`, 'sue')).status).toBe(403);
    expect((await get(`/api/reports/operators?${range}&operatorId=carol`, 'ann')).status).toBe(200);
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
  it('an operator creates a customer during a call: it claims the recent calls from its number, and the card (with last calls) pops up by phone', async () => {
    const created = await call(`${url}/api/customers`, 'POST', tokens.alice, { name: 'Ada', phones: ['+49 30 111 222'], tags: ['vip'] });
    expect(created.status).toBe(201);
    // a2 is linked to the customer (from another number); b1, c1 and t1 came from the customer's number
    // and were claimed by it; a1 belongs to another customer
    await store.saveCall(rec('a2', 'support', 'alice', { customerId: created.body.id, caller: '+4930999888', disposition: 'callback', notes: 'call back Monday' }));
    for (const id of ['b1', 'c1', 't1']) expect((await store.getCall(id))?.customerId).toBe(created.body.id);
    expect((await store.getCall('a1'))?.customerId).toBe('cust-known');
    const card = await get(`/api/customers/lookup?phone=${encodeURIComponent('+4930111222')}`, 'bob');
    expect(card.status).toBe(200);
    expect(card.body.customer).toMatchObject({ name: 'Ada', phones: ['+4930111222'], tags: ['vip'] });
    expect(card.body.lastCalls).toEqual(expect.arrayContaining([expect.objectContaining({ callId: 'a2', operatorId: 'alice', disposition: 'callback', notes: 'call back Monday' })]));
    expect(card.body.lastCalls.map((c: { callId: string }) => c.callId).sort()).toEqual(['a2', 'b1', 'c1', 't1']);
    const edited = await call(`${url}/api/customers/${created.body.id}`, 'PATCH', tokens.alice, { notes: 'prefers mornings' });
    expect(edited.body).toMatchObject({ notes: 'prefers mornings', name: 'Ada' });
    expect((await get(`/api/customers/${created.body.id}`, 'alice')).status).toBe(200);
    expect((await get(`/api/customers/${created.body.id}`, 'bob')).status).toBe(200);
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
    expect((await call(`${url}/api/customers`, 'POST', tokens.ann, { phones: ['abc'] })).status).toBe(400);
  });
});

describe('who may read which customer card', () => {
  const lookup = (phone: string, who: string) => get(`/api/customers/lookup?phone=${encodeURIComponent(phone)}`, who);
  afterEach(() => {
    live.calls = [];
  });

  it('an operator reads only the cards of callers whose calls were offered to them (403 otherwise); supervisors and admins all', async () => {
    const ada = (await lookup('+4930111222', 'sue')).body.customer;
    expect(ada).toMatchObject({ name: 'Ada' });
    expect((await lookup('+4930111222', 'dave')).status).toBe(403);
    expect((await get(`/api/customers/${ada.id}`, 'dave')).status).toBe(403);
    expect((await call(`${url}/api/customers/${ada.id}`, 'PATCH', tokens.dave, { notes: 'mine now' })).status).toBe(403);
    expect((await lookup('+15550001111', 'alice')).status).toBe(403);
    expect((await lookup('+15550001111', 'sue')).body).toEqual({ customer: null, lastCalls: [] });
    expect((await lookup('+15550001111', 'ann')).status).toBe(200);
    expect((await get(`/api/customers/${ada.id}`, 'sue')).status).toBe(200);
    expect((await get(`/api/customers/${ada.id}`, 'ann')).status).toBe(200);
  });

  it('a call ringing an operator opens its caller\'s card to that operator only; they may create it, others may not', async () => {
    live.calls = [{ callId: 'r1', queue: 'support', caller: '+15550001111', state: 'ringing', since: DAY, offeredTo: ['alice', 'bob'] }];
    expect((await lookup('+1 555 000 1111', 'alice')).body).toEqual({ customer: null, lastCalls: [] });
    expect((await lookup('+15550001111', 'dave')).status).toBe(403);
    expect((await call(`${url}/api/customers`, 'POST', tokens.dave, { name: 'Grab', phones: ['+15550001111'] })).status).toBe(403);
    const created = await call(`${url}/api/customers`, 'POST', tokens.alice, { name: 'Ringer', phones: ['+15550001111'] });
    expect(created.status).toBe(201);
    expect((await get(`/api/customers/${created.body.id}`, 'bob')).status).toBe(200);
    expect((await get(`/api/customers/${created.body.id}`, 'dave')).status).toBe(403);
    // adding a number never offered to the operator is refused; their caller's own number is fine
    expect((await call(`${url}/api/customers/${created.body.id}`, 'PATCH', tokens.alice, { phones: ['+15550001111', '+15550002222'] })).status).toBe(403);
    expect((await call(`${url}/api/customers/${created.body.id}`, 'PATCH', tokens.alice, { phones: ['+1 555 000 1111'], notes: 'ok' })).status).toBe(200);
    // once the call is over (and not recorded as theirs), the card is closed to them again
    live.calls = [];
    expect((await get(`/api/customers/${created.body.id}`, 'alice')).status).toBe(403);
    expect((await lookup('+15550001111', 'alice')).status).toBe(403);
  });

  it('an operator\'s call history shows only their calls, also when asking by customer (403 for another operator)', async () => {
    const ada = (await lookup('+4930111222', 'sue')).body.customer;
    expect(await ids(`/api/records/calls?customerId=${ada.id}`, 'alice')).toEqual(['a2', 't1']);
    expect(await ids(`/api/records/calls?customerId=${ada.id}`, 'dave')).toEqual([]);
    expect((await get(`/api/records/calls?customerId=${ada.id}&operatorId=bob`, 'alice')).status).toBe(403);
    expect(await ids(`/api/records/calls?customerId=${ada.id}`, 'sue')).toEqual(['a2', 'b1', 't1']);
  });
});
