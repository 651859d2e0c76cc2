/**
 * An operator on another machine: Switchboard from dist/ with `http.tls` and `sip.ws.tls` (a
 * certificate made by openssl for 127.0.0.1) and `webrtc.iceServers` (STUN, and TURN with a
 * shared secret). The page is served over HTTPS (checked with the certificate as the only trusted
 * CA), signs in, registers over WSS, gets its ICE servers — the TURN credentials made for alice
 * by the TURN REST convention — and hands them to the call's RTCPeerConnection; a SIPp trunk call
 * then connects with the operator's tone reaching the caller.
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import * as path from 'node:path';
import { freeSipPort } from '../support/ports';
import { answer, callIn, LONG, TONES, trunkTone, waitForState } from './in-call-fixture';
import { useDeskRig } from './desk-rig';

const PASSWORD = 'alice-remote';
const TURN_SECRET = 'turn-shared-secret';

interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** GET over HTTPS trusting only `ca`. */
function httpsGet(port: number, pathname: string, ca: Buffer): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: pathname, ca, timeout: LONG }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('timeout', () => req.destroy(new Error('the HTTPS request timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('remote operators: HTTPS and WSS from one certificate, ICE servers for the page', () => {
  const rig = useDeskRig('remote');

  it('serves the softphone over HTTPS, registers over WSS, passes the ICE servers to the call', async () => {
    const cert = path.join(rig.dir, 'cert.pem');
    const key = path.join(rig.dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    // nothing listens there: the page gathers no candidates from them, host candidates still connect
    const [stunPort, turnPort] = [await freeSipPort(), await freeSipPort()];
    const config = `
http:
  tls: { cert: ${cert}, key: ${key} }
sip:
  ws:
    tls: { cert: ${cert}, key: ${key} }
webrtc:
  iceServers:
    - urls: stun:127.0.0.1:${stunPort}
    - urls: [turn:127.0.0.1:${turnPort}?transport=udp]
      secret: ${TURN_SECRET}
      ttlSeconds: 3600
trunks:
  - id: local
    allow: [127.0.0.1]
numbers:
  - number: "100"
    queue: support
queues:
  - id: support
    strategy: longest-idle
    ringTimeoutMs: 30000
operators:
  - id: alice
    name: Alice
    sip: { username: alice, password: ${PASSWORD} }
    queues: [{ queue: support }]
`;
    const { server: srv, browser } = await rig.start({ config, micHz: TONES.alice, browserArgs: ['--ignore-certificate-errors'] });
    const origin = `https://127.0.0.1:${srv.httpPort}`;

    // HTTPS with the configured certificate (trusted as the only CA); the banner says https
    const index = await httpsGet(srv.httpPort, '/', readFileSync(cert));
    expect(index.status).toBe(200);
    expect(index.type).toMatch(/^text\/html/);
    expect(index.body).toContain('app.js');
    expect(srv.proc.output()).toContain(`Softphone: ${origin}/`);

    const page = await (await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1100, height: 900 } })).newPage();
    await page.addInitScript(() => {
      const configs: RTCConfiguration[] = [];
      (window as unknown as { __rtc: RTCConfiguration[] }).__rtc = configs;
      const Original = window.RTCPeerConnection;
      window.RTCPeerConnection = class extends Original {
        constructor(config?: RTCConfiguration) {
          configs.push(config ?? {});
          super(config);
        }
      } as typeof RTCPeerConnection;
    });
    await page.goto(`${origin}/`);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await page.getByTestId('login-username').fill('alice');
    await page.getByTestId('login-password').fill(PASSWORD);
    const [loginResponse] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/login')), page.getByTestId('login-submit').click()]);
    const signedInAt = Date.now();
    const login = (await loginResponse.json()) as { sip: { wsServer: string; iceServers?: IceServer[] } };
    expect(login.sip.wsServer).toBe(`wss://127.0.0.1:${srv.wsPort}`);
    const ice = login.sip.iceServers ?? [];
    expect(ice[0]).toEqual({ urls: `stun:127.0.0.1:${stunPort}` });
    expect(ice[1]?.urls).toEqual([`turn:127.0.0.1:${turnPort}?transport=udp`]);
    const [expiry, user] = (ice[1]?.username ?? '').split(':');
    expect(user).toBe('alice');
    expect(Number(expiry) - signedInAt / 1000).toBeGreaterThan(3600 - 120);
    expect(Number(expiry) - signedInAt / 1000).toBeLessThanOrEqual(3600 + 5);
    expect(ice[1]?.credential).toBe(createHmac('sha1', TURN_SECRET).update(ice[1]?.username ?? '').digest('base64'));

    // SIP over WSS from the same certificate; a call connects with the ICE servers in its peer connection
    await page.getByTestId('sip-status').filter({ hasText: /^registered$/ }).waitFor({ timeout: LONG });
    await page.getByTestId('status-select').selectOption('available');
    await waitForState(page, 'available');
    const call = await callIn(srv);
    rig.call = call;
    await answer(page, 'support');
    const configs = await page.evaluate(() => (window as unknown as { __rtc: RTCConfiguration[] }).__rtc);
    expect(configs.length).toBeGreaterThan(0);
    expect(configs[0]?.iceServers).toEqual(ice);
    const heard = await trunkTone(call.media, TONES.alice);
    expect(heard.detected).toBe(true);
  }, 480_000);
});
