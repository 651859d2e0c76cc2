import request from 'supertest';
import { createApp } from './app';
import type { ReadinessPartState } from './deps';
import { startTestServer, type TestServer } from './testing/harness';

describe('ops routes', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it('GET /readyz without a readiness dep answers ready', async () => {
    const res = await request(t.http.app).get('/readyz');
    expect([res.status, res.body]).toEqual([200, { status: 'ready', parts: {} }]);
  });

  it('GET /readyz answers 200 when every part is up and 503 naming the parts otherwise', async () => {
    const parts: Record<string, ReadinessPartState> = { sip: 'up', media: 'up', store: 'up' };
    const http = createApp({ ...t.deps, readiness: { check: async () => ({ ready: Object.values(parts).every((p) => p === 'up'), parts: { ...parts } }) } });
    try {
      const up = await request(http.app).get('/readyz');
      expect([up.status, up.body]).toEqual([200, { status: 'ready', parts: { sip: 'up', media: 'up', store: 'up' } }]);
      parts.media = 'down';
      const down = await request(http.app).get('/readyz');
      expect([down.status, down.body]).toEqual([503, { status: 'not-ready', parts: { sip: 'up', media: 'down', store: 'up' } }]);
    } finally {
      http.close();
    }
  });

  it('GET /readyz answers 503 draining while the server shuts down', async () => {
    const http = createApp({ ...t.deps, readiness: { check: async () => ({ ready: false, draining: true, parts: { sip: 'up' } }) } });
    try {
      const res = await request(http.app).get('/readyz');
      expect([res.status, res.body]).toEqual([503, { status: 'draining', parts: { sip: 'up' } }]);
    } finally {
      http.close();
    }
  });

  it('GET /metrics is 404 without a metrics dep and the rendered text with one', async () => {
    expect((await request(t.http.app).get('/metrics')).status).toBe(404);
    const http = createApp({ ...t.deps, metrics: { contentType: 'text/plain; version=0.0.4; charset=utf-8', render: async () => 'x_total 1\n' } });
    try {
      const res = await request(http.app).get('/metrics');
      expect([res.status, res.text, res.headers['content-type']]).toEqual([200, 'x_total 1\n', 'text/plain; version=0.0.4; charset=utf-8']);
    } finally {
      http.close();
    }
  });

  it('GET /metrics wants the bearer token when ops.metricsToken is set', async () => {
    const token = 'a-long-metrics-token-0123456789';
    const http = createApp({ ...t.deps, metrics: { contentType: 'text/plain', render: async () => 'x_total 1\n' } }, { metricsToken: token });
    try {
      const none = await request(http.app).get('/metrics');
      expect([none.status, none.body.error.code, none.headers['www-authenticate']]).toEqual([401, 'ERR_UNAUTHORIZED', 'Bearer']);
      expect(none.text).not.toContain('x_total');
      expect((await request(http.app).get('/metrics').set('Authorization', 'Bearer wrong')).status).toBe(401);
      expect((await request(http.app).get('/metrics').set('Authorization', `Basic ${token}`)).status).toBe(401);
      const ok = await request(http.app).get('/metrics').set('Authorization', `Bearer ${token}`);
      expect([ok.status, ok.text]).toEqual([200, 'x_total 1\n']);
      expect((await request(http.app).get('/readyz')).status).toBe(200); // probes stay open
    } finally {
      http.close();
    }
  });
});
