import { WebSocket } from 'ws';
import Srf from 'drachtio-srf';
import { UserAgent, Registerer, RegistererState, type Invitation } from 'sip.js';
import { SipEngine } from '../../server/sip-engine/engine';
import { startEngineWorker } from '../../server/sip-engine/worker';
import type { EngineCompat } from '../../server/sip-engine/drachtio/server-compat';
import { realDrachtioServer, startEngineUnderTest } from '../support/sip-engine-under-test';
import { StaticCredentials } from '../../server/signalling/auth/credentials';
import { DigestAuthenticator } from '../../server/signalling/auth/digest';
import { FailureLimiter, type FailureLimiterOptions } from '../../server/signalling/auth/failure-limiter';
import { OperatorAuth } from '../../server/signalling/operator-auth';
import { Registrar, type BindingRemovalReason } from '../../server/signalling/registrar';
import { BindingKeepAlive } from '../../server/signalling/binding-keepalive';
import { MemoryBindingStore } from '../../server/store/bindings/memory-binding-store';
import { freeSipPort } from '../support/ports';

// sip.js expects the browser's WebSocket; in Node the `ws` package provides it
(globalThis as unknown as { WebSocket: unknown }).WebSocket = WebSocket;

export const REALM = 'switchboard.test';
export const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

/** The engine with UDP, TCP and WS on free ports, a connected drachtio-srf, and the registrar. */
/** The engine's modes the registrar and call tests run in: its own, and as a real drachtio-server behaves. */
export const ENGINE_MODES: Array<{ mode: string; compat?: EngineCompat }> = [
  { mode: 'embedded' },
  { mode: realDrachtioServer() ? 'real drachtio-server' : 'drachtio-server compatible', compat: 'drachtio-server' },
];

export async function startRegistrar(opts: { limiter?: FailureLimiterOptions; worker?: boolean; compat?: EngineCompat } = {}) {
  const port = await freeSipPort();
  const wsPort = await freeSipPort();
  const listen = [
    { protocol: 'udp', address: '127.0.0.1', port },
    { protocol: 'tcp', address: '127.0.0.1', port },
    { protocol: 'ws', address: '127.0.0.1', port: wsPort },
  ] as const;
  const admin = { address: '127.0.0.1', port: opts.worker ? await freeSipPort() : 0, secret: 's' };
  const compat = opts.compat ? { compat: opts.compat } : {};
  // a real drachtio-server instead of the compatible mode when SWITCHBOARD_TEST_DRACHTIO_SERVER names one
  const engine = opts.compat && realDrachtioServer()
    ? await startEngineUnderTest(port, wsPort)
    : opts.worker
      ? await startEngineWorker({ listen: [...listen], admin, ...compat })
      : new SipEngine({ listen: [...listen], admin, ...compat });
  if (engine instanceof SipEngine) await engine.start();
  const srf = new Srf();
  srf.connect({ host: '127.0.0.1', port: engine.adminPort, secret: 'secret' in engine ? engine.secret : 's' });
  await new Promise((r) => srf.once('connect', r));
  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;
  const credentials = new StaticCredentials(REALM).addPassword('op1', 'right-password').addPassword('op2', 'other-password');
  const seen = { registers: 0, protocols: [] as string[], failures: [] as Array<{ address: string; reason: string; blocked: boolean }> };
  srf.use('register', (req, _res, next) => {
    seen.registers++;
    seen.protocols.push(req.protocol);
    next();
  });
  const auth = new OperatorAuth({
    digest: new DigestAuthenticator(credentials, { realm: REALM, now }),
    // clients that cannot choose among challenges and know only MD5 (SIPp 3.6 like SIP.js 0.21)
    md5OnlyUserAgents: [/SIP\.js/, /SIPp/],
    limiter: new FailureLimiter(opts.limiter),
    now,
    onFailure: (f) => seen.failures.push(f),
  });
  const bindings = new MemoryBindingStore();
  const removed: Array<[BindingRemovalReason, number]> = [];
  const registrar = new Registrar({ srf, bindings, auth, now, onRemoved: (reason, n) => removed.push([reason, n]) });
  if ('on' in engine) engine.on('flowClosed', (flow) => void registrar.flowClosed(flow));
  // probes run when a test asks (probeAll), not on a timer: what a test waits for is the probe's result
  const keepAlive = new BindingKeepAlive({ srf, registrar, aors: () => ['op1', 'op2'], timeoutMs: 10_000 });
  return {
    engine, srf, registrar, auth, seen, port, wsPort, keepAlive, removed,
    advanceClock: (ms: number) => { clockOffset += ms; },
    async close() {
      keepAlive.close();
      srf.disconnect();
      await engine.close();
    },
  };
}

/** A stand-in media layer for sip.js in Node: static SDP, no audio (this test is about signalling). */
const sdhFactory = () => ({
  getDescription: async () => ({ body: SDP, contentType: 'application/sdp' }),
  setDescription: async () => undefined,
  hasDescription: (ct: string) => ct === 'application/sdp',
  rollbackDescription: async () => undefined,
  close: () => undefined,
  sendDtmf: () => false,
});

/**
 * A sip.js softphone in Node: registers over WebSocket and answers every call. With `instanceId` (a
 * UUID) its REGISTERs carry `+sip.instance` and `reg-id=1` (RFC 5626), as a browser that keeps one.
 */
export async function startSoftphone(user: string, password: string, wsPort: number, o: { instanceId?: string } = {}) {
  const invitations: Invitation[] = [];
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${user}@${REALM}`)!,
    transportOptions: { server: `ws://127.0.0.1:${wsPort}` },
    authorizationUsername: user,
    authorizationPassword: password,
    sessionDescriptionHandlerFactory: sdhFactory as never,
    logLevel: (process.env.SIPJS_LOG as 'error') ?? 'error',
    logBuiltinEnabled: process.env.SIPJS_LOG !== undefined,
    delegate: {
      onInvite: (inv) => {
        invitations.push(inv);
        void inv.accept();
      },
    },
  });
  await ua.start();
  const registerer = new Registerer(ua, { expires: 300, ...(o.instanceId ? { instanceId: o.instanceId, regId: 1 } : {}) });
  /** Registers; resolves with the final status (200, or the rejecting status). */
  const register = () => new Promise<number>((resolve) => {
    void registerer.register({
      requestDelegate: {
        onAccept: (r) => resolve(r.message.statusCode ?? 0),
        onReject: (r) => resolve(r.message.statusCode ?? 0),
      },
    });
  });
  return {
    ua, registerer, invitations, register,
    registered: () => registerer.state === RegistererState.Registered,
    /** Disposes the registerer first: its refresh timer would otherwise outlive a dropped transport. */
    stop: async () => {
      await registerer.dispose().catch(() => undefined);
      await ua.stop();
    },
  };
}
