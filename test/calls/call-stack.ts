import { appendFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { UserAgent, Registerer, type Invitation, type Session } from 'sip.js';
import { loadConfig } from '../../config';
import pino from 'pino';
import { createSwitchboard } from '../../server/switchboard';
import { freeSipPort, freeTcpPort } from '../support/ports';
import { waitFor } from '../support/processes';
import { startEngineUnderTest, type EngineUnderTest } from '../support/sip-engine-under-test';

(globalThis as unknown as { WebSocket: unknown }).WebSocket = WebSocket;

/** Stacks started and not yet closed: a test that times out while one starts still gets it closed (closeCallStacks). */
const open = new Set<() => Promise<void>>();

/** Closes every stack (and engine under test) this file started that is still open, e.g. after a test timed out. */
export async function closeCallStacks(): Promise<void> {
  for (const close of [...open]) await close();
}

/**
 * The call path with its real parts, started by the composition root as the server starts them:
 * the SIP engine, signalling (registrar, trunk ingress), the routing core, the call center and an
 * embedded rtpengine; queues "support" (and "sales") with the given operators (password "pw-<id>");
 * with `outboundTrunk` (host:port), an outbound trunk "carrier" there (German numbers to E.164).
 */
export async function startCallStack(opts: {
  operators: string[]; ringTimeoutMs?: number; salesMaxLength?: number;
  /** The `media` section (YAML flow mapping) instead of an embedded rtpengine on free ports. */
  media?: string;
  /** An outbound trunk (YAML flow mapping) for transfers to numbers. */
  outboundTrunk?: string;
  /** The embedded engine as it is, or behaving as a drachtio-server (or a real one, when the tests are given one). */
  engine?: EngineMode;
  /** Listen on UDP and TCP (for devices that register over TCP); default UDP only. */
  listen?: 'udp' | 'tcp';
}) {
  const sipPort = await freeSipPort();
  const wsPort = await freeSipPort();
  const portMin = 20000 + (await freeTcpPort()) % 20000;
  // production mode: Switchboard connects to an engine that behaves as drachtio-server (or is one)
  let external: EngineUnderTest | undefined;
  if (opts.engine === 'drachtio-server compatible') external = await startEngineUnderTest(sipPort, wsPort);
  const closeExternal = async () => {
    open.delete(closeExternal);
    await external?.close();
  };
  if (external) open.add(closeExternal);
  const engineYaml = external ? `, engine: { mode: drachtio, host: 127.0.0.1, port: ${external.adminPort}, secret: ${external.secret} }` : '';
  const yaml = `
sip: { listen: ["sip:127.0.0.1:${sipPort};transport=${opts.listen === 'tcp' ? 'udp,tcp' : 'udp'}"], ws: { address: 127.0.0.1, port: ${wsPort} }${engineYaml}, keepAlive: { intervalMs: 500 } }
http: { address: 127.0.0.1, port: 0 }
media: ${opts.media ?? `{ rtpengine: { mode: embedded, portMin: ${portMin}, portMax: ${portMin + 199} } }`}
logging: { level: warn }
trunks: [{ id: local, allow: [127.0.0.1] }]
${opts.outboundTrunk ? `outboundTrunks: [{ id: carrier, address: "${opts.outboundTrunk}", e164: { countryCode: "49" }, ringTimeoutMs: 20000 }]` : ''}
numbers: [{ number: "100", queue: support }]
queues:
  - { id: support, strategy: longest-idle, ringTimeoutMs: ${opts.ringTimeoutMs ?? 4000}, wrapUpMs: 0, noAnswerPause: no-answer }
  - { id: sales, strategy: longest-idle, ringTimeoutMs: ${opts.ringTimeoutMs ?? 4000}, wrapUpMs: 0${opts.salesMaxLength !== undefined ? `, maxLength: ${opts.salesMaxLength}` : ''} }
operators:
${opts.operators.map((o) => `  - { id: ${o}, name: ${o}, sip: { username: ${o}, password: pw-${o} }, queues: [{ queue: support }, { queue: sales }] }`).join('\n')}
`;
  const config = loadConfig({}, [{ path: 'test.yaml', text: yaml }]);
  // SWITCHBOARD_TEST_LOG=debug shows the server's log while a test runs
  const level = process.env.SWITCHBOARD_TEST_LOG;
  const sb = await createSwitchboard(config, { tickMs: 200, ...(level ? { log: pino({ level }) } : {}) });
  let closed = false;
  const close = async () => {
    open.delete(close);
    if (!closed) {
      closed = true;
      await sb.stop();
    }
    await closeExternal();
  };
  open.add(close);
  if (external) await waitFor(async () => (await fetch(`http://127.0.0.1:${sb.httpPort}/readyz`)).status === 200, 'Switchboard to connect to the SIP engine', 30_000);
  return {
    sb, acd: sb.acd, records: sb.records, center: sb.center, media: sb.media, sipPort, wsPort, target: `127.0.0.1:${sipPort}`,
    close,
  };
}

/**
 * How the call path reaches SIP: the embedded engine (default), or production mode against an engine
 * that behaves as drachtio-server does (a real one when SWITCHBOARD_TEST_DRACHTIO_SERVER is set).
 */
export type EngineMode = 'embedded' | 'drachtio-server compatible';
export const CALL_ENGINE_MODES: EngineMode[] = ['embedded', 'drachtio-server compatible'];

/** A WebRTC-shaped SDP offer (exported for tests that vary it, e.g. hold) (no real media: sip.js in Node has no WebRTC); rtpengine accepts it. */
export const WEBRTC_OFFER = [
  'v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0', 'a=msid-semantic: WMS',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 101', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', 'a=ice-ufrag:Abcd', 'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  `a=fingerprint:sha-256 ${Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':')}`,
  'a=setup:actpass', 'a=mid:0', 'a=sendrecv', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', '',
].join('\r\n');

/** An operator's softphone (sip.js in Node, over WebSocket) that answers after `answerAfterMs`, or never. */
export async function startOperator(id: string, wsPort: number, o: { answerAfterMs?: number | null } = {}) {
  const invitations: Invitation[] = [];
  /** Invitations whose 200 the server has ACKed: only then may the device send a new offer (RFC 6337 §4.3). */
  const acked = new Set<Invitation>();
  const answers: string[] = [];
  const sipLog = process.env.SIPJS_LOG;
  /** What the next offer (answer to an offerless INVITE, or a re-INVITE) carries; tests change it. */
  const offer = { sdp: WEBRTC_OFFER };
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${id}@switchboard.local`)!,
    transportOptions: { server: `ws://127.0.0.1:${wsPort}` },
    authorizationUsername: id,
    authorizationPassword: `pw-${id}`,
    logBuiltinEnabled: false,
    // SIPJS_LOG=<file> writes the devices' sip.js log (every message) there
    ...(sipLog ? { logLevel: 'debug' as const, logConnector: (level: string, category: string, _label: string | undefined, content: string) => appendFileSync(sipLog, `${Date.now()} ${id} ${level} ${category} ${content}\n`) } : {}),
    sessionDescriptionHandlerFactory: (() => ({
      getDescription: async () => ({ body: offer.sdp, contentType: 'application/sdp' }),
      setDescription: async (sdp: string) => { answers.push(sdp); },
      hasDescription: (ct: string) => ct === 'application/sdp',
      rollbackDescription: async () => undefined,
      close: () => undefined,
      sendDtmf: () => false,
    })) as never,
    delegate: {
      onInvite: (inv) => {
        invitations.push(inv);
        inv.delegate = { onAck: () => void acked.add(inv) };
        const after = o.answerAfterMs === undefined ? 100 : o.answerAfterMs;
        if (after !== null) setTimeout(() => void inv.accept().catch(() => undefined), after);
      },
    },
  });
  await ua.start();
  const registerer = new Registerer(ua, { expires: 300 });
  await new Promise<void>((resolve, reject) => {
    void registerer.register({ requestDelegate: { onAccept: () => resolve(), onReject: (r) => reject(new Error(`REGISTER ${r.message.statusCode}`)) } });
  });
  const stop = async () => {
    await registerer.dispose().catch(() => undefined); // its refresh timer would outlive a dropped transport
    await ua.stop();
  };
  return { ua, invitations, acked, answers, offer, stop };
}

/**
 * Sends REFER from an operator's session: to `target` (a user part, e.g. `bob` or `queue-sales`) or,
 * for an attended transfer, naming another session (Refer-To with Replaces). Resolves with the
 * sipfrag statuses of the NOTIFYs once a final one came.
 */
export function refer(inv: Invitation, target: string | Session): Promise<number[]> {
  const statuses: number[] = [];
  const to = typeof target === 'string' ? UserAgent.makeURI(`sip:${target}@switchboard.local`)! : target;
  return new Promise((resolve, reject) => {
    inv.refer(to, {
      onNotify: (n) => {
        void n.accept();
        const status = Number(/^SIP\/2\.0 (\d{3})/m.exec(n.request.body)?.[1] ?? 0);
        statuses.push(status);
        if (status >= 200) resolve(statuses);
      },
      requestDelegate: { onReject: (r) => reject(new Error(`REFER ${r.message.statusCode}`)) },
    }).catch(reject);
  });
}
