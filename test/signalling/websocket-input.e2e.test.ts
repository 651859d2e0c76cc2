import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { WebSocket } from 'ws';
import { SipEngine } from '../../server/sip-engine/engine';
import { freeSipPort } from '../support/ports';
import { startRegistrar, startSoftphone } from './operator-fixture';

function openSip(url: string, opts: object = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'sip', opts);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}
const closed = (ws: WebSocket) => new Promise<number>((r) => ws.once('close', (code) => r(code)));

describe('bad input on the WebSocket transport', () => {
  let server: Awaited<ReturnType<typeof startRegistrar>>;
  beforeEach(async () => {
    server = await startRegistrar();
  });
  afterEach(() => server.close());

  it('closes a connection that sends garbage, then a 1 MiB frame, and serves the next client', async () => {
    const url = `ws://127.0.0.1:${server.wsPort}`;
    const garbage = await openSip(url);
    const c1 = closed(garbage);
    garbage.send(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]));
    expect(await c1).toBe(1008);

    const huge = await openSip(url);
    const c2 = closed(huge);
    huge.send('REGISTER sip:x SIP/2.0\r\n' + 'X'.repeat(1024 * 1024));
    expect(await c2).toBe(1009); // message too big

    const phone = await startSoftphone('op1', 'right-password', server.wsPort);
    expect(await phone.register()).toBe(200);
    await phone.stop();
  });

  it('refuses a WebSocket without the sip subprotocol', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.wsPort}`, 'chat');
    await expect(new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); })).rejects.toThrow();
  });
});

describe('WSS', () => {
  it('serves SIP over TLS WebSockets with the configured certificate', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wss-'));
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const port = await freeSipPort();
    const engine = new SipEngine({ listen: [{ protocol: 'wss', address: '127.0.0.1', port, tls: { cert, key } }], admin: { address: '127.0.0.1', port: 0, secret: 's' } });
    await engine.start();
    try {
      const ws = await openSip(`wss://127.0.0.1:${port}`, { rejectUnauthorized: false });
      const reply = new Promise<string>((r) => ws.once('message', (d: Buffer) => r(d.toString())));
      ws.send('\r\n\r\n'); // keep-alive ping
      expect(await reply).toBe('\r\n');
      ws.close();
    } finally {
      await engine.close();
    }
  });

  it('refuses to start wss without a certificate, naming what is missing', async () => {
    const engine = new SipEngine({ listen: [{ protocol: 'wss', address: '127.0.0.1', port: 0 }], admin: { address: '127.0.0.1', port: 0, secret: 's' } });
    await expect(engine.start()).rejects.toThrow(/wss transport needs tls.cert and tls.key/);
  });
});
