import request from 'supertest';
import { cspDirectives } from './security-headers';
import { startTestServer, type TestServer } from './testing/harness';

describe('security headers', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it('the softphone page comes with a CSP that allows our origin and the SIP WebSocket only, and no framing', async () => {
    const res = await request(t.http.app).get('/');
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    const ws = new URL(t.deps.operators.sip.wsServer);
    expect(csp).toContain(`connect-src 'self' ${ws.protocol}//${ws.host}`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('API answers carry the same headers', async () => {
    const res = await request(t.http.app).post('/api/login').send({ username: 'nobody', password: 'x' });
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('keeps only the origin of the WebSocket URL', () => {
    expect(cspDirectives({ wsServer: 'wss://sip.example.com:8443/ws' })['connect-src']).toEqual(["'self'", 'wss://sip.example.com:8443']);
  });
});
