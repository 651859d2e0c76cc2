import request from 'supertest';
import type { CallRecord } from './deps';
import { call, login, startTestServer, type TestServer } from './testing/harness';

const DAY_START = Date.UTC(2025, 0, 15);

function record(over: Partial<CallRecord> & { callId: string }): CallRecord {
  return {
    queue: 'support', trunkId: 'pstn', caller: '+4930111', number: '100', outcome: 'answered', operatorId: 'alice',
    arrivedAt: DAY_START, answeredAt: DAY_START + 5_000, endedAt: DAY_START + 65_000, waitSeconds: 5, talkSeconds: 60,
    direction: 'inbound', instanceId: 'test', holdSeconds: 0, segments: [], ...over,
  };
}

describe('reports, the softphone page and the probe', () => {
  let t: TestServer;
  let token: string;
  beforeEach(async () => {
    t = await startTestServer();
    token = await login(t);
  });
  afterEach(async () => t.close());

  it('GET /api/queues: waiting calls, longest wait, operators by state and today\'s KPIs', async () => {
    await t.acd.setAvailable('alice');
    const { offers } = await t.acd.enqueue({ id: 'c1', queueId: 'support' });
    t.clock.now += 4_000;
    await t.acd.onAnswered({ callId: 'c1', operatorId: 'alice', token: offers[0].token });
    await t.acd.enqueue({ id: 'c2', queueId: 'support' });
    t.clock.now += 7_500;
    const res = await call(`${t.url}/api/queues`, 'GET', token);
    expect(res.status).toBe(200);
    expect(res.body.today).toEqual({ from: new Date(DAY_START).toISOString(), to: new Date(DAY_START + 86_400_000).toISOString() });
    expect(res.body.queues).toEqual([
      {
        id: 'support', strategy: 'longest-idle', waiting: 1, longestWaitSeconds: 7.5, offered: 0, onCall: 1,
        operators: { offline: 1, available: 0, paused: 0, reserved: 0, ringing: 0, 'on-call': 1, 'wrap-up': 0 },
        today: expect.objectContaining({ offered: 2, answered: 1, abandoned: 0, averageSpeedOfAnswerSeconds: 4 }),
      },
    ]);
  });

  it('GET /api/calls/live lists the calls in progress', async () => {
    t.calls.calls = [{ callId: 'c1', queue: 'support', caller: '+4930111', state: 'connected', operatorId: 'alice', since: DAY_START }];
    const res = await call(`${t.url}/api/calls/live`, 'GET', token);
    expect(res.body).toEqual({ calls: [{ callId: 'c1', queue: 'support', caller: '+4930111', state: 'connected', operatorId: 'alice', since: '2025-01-15T00:00:00.000Z' }] });
  });

  describe('GET /api/calls/records', () => {
    beforeEach(() => {
      t.cdrs.records.push(
        record({ callId: 'a', arrivedAt: DAY_START + 1_000 }),
        record({ callId: 'b', arrivedAt: DAY_START + 2_000, operatorId: 'bob' }),
        record({ callId: 'c', arrivedAt: DAY_START + 3_000, outcome: 'abandoned', operatorId: undefined, answeredAt: undefined, talkSeconds: 0 }),
        record({ callId: 'd', arrivedAt: DAY_START + 4_000, queue: 'sales' }),
      );
    });
    const ids = async (query: string) => {
      const res = await call(`${t.url}/api/calls/records${query}`, 'GET', token);
      expect(res.status).toBe(200);
      return (res.body.records as Array<{ callId: string }>).map((r) => r.callId);
    };

    it.each([
      ['', ['d', 'c', 'b', 'a']],
      ['?queue=support', ['c', 'b', 'a']],
      ['?operatorId=bob', ['b']],
      ['?outcome=abandoned', ['c']],
      ['?limit=2', ['d', 'c']],
      [`?from=${DAY_START + 2_000}&to=${DAY_START + 4_000}`, ['c', 'b']],
      [`?from=${new Date(DAY_START + 3_000).toISOString()}`, ['d', 'c']],
      ['?queue=support&outcome=answered&limit=1', ['b']],
    ])('filters %s', async (query, expected) => {
      expect(await ids(query)).toEqual(expected);
    });

    it('answers records with ISO times', async () => {
      const res = await call(`${t.url}/api/calls/records?outcome=abandoned`, 'GET', token);
      expect(res.body.records[0]).toEqual({
        callId: 'c', queue: 'support', trunkId: 'pstn', caller: '+4930111', number: '100', outcome: 'abandoned',
        arrivedAt: '2025-01-15T00:00:03.000Z', endedAt: '2025-01-15T00:01:05.000Z', waitSeconds: 5, talkSeconds: 0,
        holdSeconds: 0, segments: [],
      });
    });

    it('an operator reads only their own records: another operator\'s are 403', async () => {
      const bob = await login(t, '1002', 'bob-pw');
      const mine = await call(`${t.url}/api/calls/records`, 'GET', bob);
      expect((mine.body.records as Array<{ callId: string }>).map((r) => r.callId)).toEqual(['b']);
      expect((await call(`${t.url}/api/calls/records?operatorId=alice`, 'GET', bob)).status).toBe(403);
    });

    it.each([
      ['?limit=0', 'limit'],
      ['?limit=ten', 'limit'],
      ['?outcome=lost', 'outcome'],
      ['?from=yesterday', 'from'],
      [`?from=${DAY_START + 5}&to=${DAY_START}`, 'to'],
    ])('answers 400 to %s naming %s', async (query, field) => {
      const res = await call(`${t.url}/api/calls/records${query}`, 'GET', token);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ERR_INVALID_INPUT');
      expect(res.body.error.message).toContain(`${field}:`);
    });
  });

  it('serves the softphone: index.html at / and scripts as text/javascript', async () => {
    const page = await request(t.http.app).get('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<title>Switchboard</title>');
    const script = await request(t.http.app).get('/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('answers JSON 404 to an unknown path, under /api and elsewhere', async () => {
    for (const path of ['/api/nothing', '/nothing.html']) {
      const res = await request(t.http.app).get(path);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ERR_NOT_FOUND');
    }
  });

  it('GET /healthz answers ok without a token', async () => {
    const res = await request(t.http.app).get('/healthz');
    expect([res.status, res.body]).toEqual([200, { status: 'ok' }]);
  });
});
