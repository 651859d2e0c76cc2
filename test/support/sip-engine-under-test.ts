/**
 * The SIP engine a production-mode (sip.engine.mode drachtio) test talks to: the embedded engine in its
 * drachtio-server compatible mode, or — when SWITCHBOARD_TEST_DRACHTIO_SERVER names a drachtio-server
 * binary (scripts/check-drachtio-server) — that real drachtio-server, on free ports on 127.0.0.1.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SipEngine } from '../../server/sip-engine/engine';
import { freeSipPort } from './ports';
import { startProcess, waitFor } from './processes';

export interface EngineUnderTest {
  adminPort: number;
  secret: string;
  close(): Promise<void>;
}

/** The binary of a real drachtio-server to test against, if one was given. */
export function realDrachtioServer(): string | undefined {
  return process.env.SWITCHBOARD_TEST_DRACHTIO_SERVER || undefined;
}

/** Listens on UDP and TCP at `sipPort` and WebSocket at `wsPort` (all 127.0.0.1), admin socket on a free port. */
export async function startEngineUnderTest(sipPort: number, wsPort: number): Promise<EngineUnderTest> {
  const secret = 'under-test';
  const binary = realDrachtioServer();
  if (!binary) {
    const engine = new SipEngine({
      listen: [
        { protocol: 'udp', address: '127.0.0.1', port: sipPort },
        { protocol: 'tcp', address: '127.0.0.1', port: sipPort },
        { protocol: 'ws', address: '127.0.0.1', port: wsPort },
      ],
      admin: { address: '127.0.0.1', port: 0, secret },
      compat: 'drachtio-server',
    });
    await engine.start();
    return { adminPort: engine.adminPort, secret, close: () => engine.close() };
  }
  const adminPort = await freeSipPort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drachtio-under-test-'));
  const conf = path.join(dir, 'drachtio.conf.xml');
  fs.writeFileSync(conf, `<drachtio>
  <admin port="${adminPort}" secret="${secret}">127.0.0.1</admin>
  <sip>
    <contacts>
      <contact>sip:127.0.0.1:${sipPort};transport=udp,tcp</contact>
      <contact>sip:127.0.0.1:${wsPort};transport=ws</contact>
    </contacts>
  </sip>
  <logging>
    <file><name>${path.join(dir, 'drachtio.log')}</name><auto-flush>true</auto-flush></file>
    <sofia-loglevel>3</sofia-loglevel>
    <loglevel>info</loglevel>
  </logging>
</drachtio>
`);
  const proc = startProcess(binary, ['-f', conf]);
  // ready once its admin socket accepts a connection
  await waitFor(() => new Promise<boolean>((resolve) => {
    if (proc.child.exitCode !== null) throw new Error(`drachtio-server exited: ${proc.output()}`);
    const s = net.connect(adminPort, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  }), 'drachtio-server to listen', 30_000);
  return { adminPort, secret, close: () => proc.stop() };
}
