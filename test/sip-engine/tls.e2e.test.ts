/**
 * SIP over TLS (RFC 3261 §26) with certificates made by openssl for the test: SIPp calls in over
 * TLS (`-t l1`) and drachtio-srf answers; an app calls a trunk over TLS (`transport=tls` and a
 * SIPS URI), and a trunk whose certificate the engine cannot verify is refused unless that trunk
 * is exempted from verification.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { parseMessage } from '../../server/sip-engine/message/parser';
import { makeResponse, type SipRequest } from '../../server/sip-engine/message/message';
import { StreamFramer } from '../../server/sip-engine/message/stream-framer';
import { startProcess, stopAll } from '../support/processes';
import { freeTcpPort } from '../support/ports';
import { SDP, startEngine, type EngineFixture } from './fixture';

/** A SIPp built with OpenSSL: SIPP_TLS_BINARY, or the system one when it was built so. */
const SIPP_TLS = process.env.SIPP_TLS_BINARY ?? '/usr/local/bin/sipp-tls';

let dir: string;
const pem = (name: string) => path.join(dir, name);

/** A self-signed certificate for 127.0.0.1 (its own CA). */
function makeCert(name: string, subjectAltName: string): void {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`,
    '-addext', `subjectAltName=${subjectAltName}`, '-keyout', pem(`${name}.key`), '-out', pem(`${name}.crt`),
  ], { stdio: 'ignore' });
}

/** A trunk reached over TLS: answers every INVITE with 486, and remembers what it received. */
async function tlsTrunk(cert: string, key: string): Promise<{ port: number; invites: SipRequest[]; close(): Promise<void> }> {
  const invites: SipRequest[] = [];
  const sockets = new Set<tls.TLSSocket>();
  const server = tls.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const framer = new StreamFramer();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of framer.push(chunk)) {
        if (frame.type !== 'message') continue;
        const msg = parseMessage(frame.bytes, true);
        if (msg.kind !== 'request') continue;
        if (msg.method === 'INVITE') {
          invites.push(msg);
          socket.write(makeResponse(msg, 486, 'trunk').toBuffer());
        }
      }
    });
  });
  server.on('tlsClientError', () => undefined); // an engine that refuses our certificate
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port, invites,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sip-tls-'));
  makeCert('engine', 'IP:127.0.0.1');
  makeCert('trunk', 'IP:127.0.0.1');
  makeCert('stranger', 'DNS:stranger.example');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('SIP over TLS', () => {
  let fx: EngineFixture | undefined;
  afterEach(async () => {
    await stopAll();
    await fx?.close();
    fx = undefined;
  });

  const engine = (extra: { ca?: string; noVerify?: string[] } = {}) =>
    startEngine({ protocols: ['udp', 'tls'], tls: { cert: pem('engine.crt'), key: pem('engine.key'), ...extra } });

  (fs.existsSync(SIPP_TLS) ? it : it.skip)('SIPp calls in over TLS (-t l1) and drachtio-srf answers', async () => {
    fx = await engine();
    const f = fx;
    f.srf.invite(async (req, res) => {
      const dlg = await f.srf.createUAS(req, res, { localSdp: SDP() });
      dlg.on('destroy', () => undefined);
    });
    // runSipp drives /usr/bin/sipp, which Debian builds without OpenSSL: start the TLS build directly
    const uac = startProcess(SIPP_TLS, [
      '-sf', path.resolve(__dirname, '../../scripts/sipp/uac-basic.xml'), `127.0.0.1:${f.tlsPort}`,
      // SIPp 3.6 drops a TLS 1.3 connection on the server's post-handshake session tickets: use 1.2
      '-t', 'l1', '-tls_cert', pem('engine.crt'), '-tls_key', pem('engine.key'), '-tls_version', '1.2',
      '-i', '127.0.0.1', '-p', String(await freeTcpPort()), '-m', '2', '-s', 'service', '-nostdin',
      '-key', 'hold_ms', '100', '-key', 'caller', 'sipp', '-timeout', '30', '-timeout_error', '-trace_err',
    ], { cwd: dir });
    const code = await uac.exited;
    const errors = fs.readdirSync(dir).filter((f) => f.endsWith('_errors.log')).map((f) => fs.readFileSync(pem(f), 'utf8')).join('\n');
    expect({ code, errors: code === 0 ? '' : `${errors}\n${uac.output().slice(-1500)}` }).toEqual({ code: 0, errors: '' });
  });

  it('calls a trunk over TLS whose certificate it trusts (transport=tls, and a SIPS URI)', async () => {
    const trunk = await tlsTrunk(pem('trunk.crt'), pem('trunk.key'));
    try {
      fx = await engine({ ca: pem('trunk.crt') });
      await expect(fx.srf.createUAC(`sip:trunk@127.0.0.1:${trunk.port};transport=tls`, { localSdp: SDP() })).rejects.toMatchObject({ status: 486 });
      await expect(fx.srf.createUAC(`sips:trunk@127.0.0.1:${trunk.port}`, { localSdp: SDP() })).rejects.toMatchObject({ status: 486 });
      expect(trunk.invites).toHaveLength(2);
      expect(trunk.invites[0]!.topVia().transport).toBe('TLS');
      expect(trunk.invites[0]!.get('contact')).toContain(';transport=tls');
    } finally {
      await trunk.close();
    }
  });

  it('refuses a trunk whose certificate does not verify, unless that trunk is exempted', async () => {
    const trunk = await tlsTrunk(pem('stranger.crt'), pem('stranger.key'));
    try {
      fx = await engine();
      const refused = await fx.srf.createUAC(`sip:trunk@127.0.0.1:${trunk.port};transport=tls`, { localSdp: SDP() }).catch((e: { status?: number }) => e);
      expect(refused).toMatchObject({ status: 503 });
      expect(trunk.invites).toHaveLength(0);
      await fx.close();

      fx = await engine({ noVerify: [`127.0.0.1:${trunk.port}`] });
      await expect(fx.srf.createUAC(`sip:trunk@127.0.0.1:${trunk.port};transport=tls`, { localSdp: SDP() })).rejects.toMatchObject({ status: 486 });
      expect(trunk.invites).toHaveLength(1);
    } finally {
      await trunk.close();
    }
  });
});
