import * as path from 'node:path';
import Srf from 'drachtio-srf';
import { SipEngine } from '../../server/sip-engine/engine';
import { startEngineWorker, type EngineWorker } from '../../server/sip-engine/worker';
import type { TimerValues } from '../../server/sip-engine/transaction/clock';
import type { SessionTimerOptions } from '../../server/sip-engine/core/session-timer';
import type { Protocol } from '../../server/sip-engine/transport/types';
import type { SourceLimitsOptions } from '../../server/sip-engine/transport/source-limits';
import type { SipEngineStats } from '../../server/sip-engine/engine';
import { freeSipPort, freeTcpPort } from '../support/ports';
import { stopAll } from '../support/processes';

export interface EngineFixture {
  srf: Srf;
  sipPort: number;
  adminPort: number;
  /** The tls listener's port (0 when there is none). */
  tlsPort: number;
  /** `127.0.0.1:<port>` for SIPp to call. */
  target: string;
  stats(): Promise<SipEngineStats>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Run the engine in a worker thread, as the server does. Default false (in-process). */
  worker?: boolean;
  timers?: Partial<TimerValues>;
  sessionTimers?: Partial<SessionTimerOptions>;
  protocols?: Protocol[];
  /** Connect a drachtio-srf app. Default true. */
  connectApp?: boolean;
  /** Certificate and key (PEM file paths) for a tls listener, which gets its own port (`tlsPort`). */
  tls?: { cert: string; key: string; ca?: string; verifyPeer?: boolean; noVerify?: string[] };
  /** Per-source limits (request rate, connections, incomplete messages); absent: the engine's defaults. */
  sourceLimits?: Partial<SourceLimitsOptions>;
}

/** Starts a SIP engine on free 127.0.0.1 ports and connects an unmodified drachtio-srf to it. */
export async function startEngine(options: FixtureOptions = {}): Promise<EngineFixture> {
  const sipPort = await freeSipPort();
  const protocols = options.protocols ?? ['udp', 'tcp'];
  const tlsPort = protocols.includes('tls') ? await freeTcpPort() : 0;
  const listen = protocols.map((protocol) => protocol === 'tls'
    ? { protocol, address: '127.0.0.1', port: tlsPort, tls: options.tls }
    : { protocol, address: '127.0.0.1', port: sipPort });
  const admin = { address: '127.0.0.1', port: options.worker ? await freeTcpPort() : 0, secret: 'test-secret' };
  let adminPort: number;
  let stats: EngineFixture['stats'];
  let closeEngine: () => Promise<void>;
  if (options.worker) {
    const w: EngineWorker = await startEngineWorker({ listen, admin, timers: options.timers, sessionTimers: options.sessionTimers, sourceLimits: options.sourceLimits });
    adminPort = w.adminPort;
    stats = () => w.stats();
    closeEngine = () => w.close();
  } else {
    const engine = new SipEngine({ listen, admin, timers: options.timers, sessionTimers: options.sessionTimers, sourceLimits: options.sourceLimits });
    await engine.start();
    adminPort = engine.adminPort;
    stats = async () => engine.stats();
    closeEngine = () => engine.close();
  }
  const srf = new Srf();
  if (options.connectApp !== false) {
    await new Promise<void>((resolve, reject) => {
      srf.connect({ host: '127.0.0.1', port: adminPort, secret: 'test-secret' });
      srf.once('connect', (err: Error | null) => (err ? reject(err) : resolve()));
      srf.once('error', reject);
    });
  }
  return {
    srf, sipPort, adminPort, tlsPort, target: `127.0.0.1:${sipPort}`, stats,
    async close() {
      try {
        if (options.connectApp !== false) srf.disconnect();
      } catch {
        // already gone
      }
      await closeEngine();
    },
  };
}

export const SDP = (port = 6000, extra = '') =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n${extra}`;

/** drachtio-srf's typings omit the reason argument of a dialog's `destroy` event. */
export function onDestroy(dialog: object, listener: (msg: unknown, reason: string) => void): void {
  (dialog as import('node:events').EventEmitter).on('destroy', listener);
}

/** A SIPp scenario of scripts/sipp/engine/ (one side of an extension, played against the engine), by path. */
export function engineScenario(name: string): string {
  return path.resolve(__dirname, '../../scripts/sipp/engine', `${name}.xml`);
}

/** A fresh engine (and connected app) for each test of the calling describe block; it and every process the test started are stopped after. */
export function engineForEachTest(options: FixtureOptions = {}): () => EngineFixture {
  let fx: EngineFixture | undefined;
  beforeEach(async () => {
    fx = await startEngine(options);
  });
  afterEach(async () => {
    await stopAll();
    await fx?.close();
  });
  return () => fx!;
}
