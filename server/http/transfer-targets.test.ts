import { call, login, startTestServer, type TestServer } from './testing/harness';

describe('GET /api/transfer-targets', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => t.close());

  it('lists the other operators with their state and REFER target, and the queues (not the direct ones)', async () => {
    const token = await login(t);
    await t.acd.operatorLogin('bob');
    const res = await call(`${t.url}/api/transfer-targets`, 'GET', token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      operators: [{ id: 'bob', name: 'Bob', target: '1002', state: 'available' }],
      queues: [{ id: 'support', target: 'queue-support', waiting: 0 }],
    });
    const queues = await call(`${t.url}/api/queues`, 'GET', token);
    expect(queues.body.queues.map((q: { id: string }) => q.id)).toEqual(['support']);
  });

  it('needs a session', async () => {
    expect((await call(`${t.url}/api/transfer-targets`, 'GET')).status).toBe(401);
  });
});
