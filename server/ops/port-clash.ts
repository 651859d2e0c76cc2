/**
 * One line instead of a stack trace when a port Switchboard listens on is taken (or needs
 * privileges): which address and port, and the configuration field that set it.
 *
 *   const line = portClashMessage(err, config);
 *   if (line) { process.stderr.write(`${line}\n`); process.exit(1); }
 *
 * Works on the errors of every listener: node's `listen EADDRINUSE` (http, WebSocket, admin
 * socket; `code`, `address`, `port`), the SIP engine's `SIP engine failed to start: bind EADDRINUSE
 * 127.0.0.1:5060`, and rtpengine's `Failed to open UDP NG control connection port (127.0.0.1:N):
 * Address already in use`, also when wrapped in a `cause`.
 */
import { ENV_VARS, type Config } from '../../config';
import { parseContact } from '../sip-engine';

/** A port the configuration makes us listen on, and the field that says so. */
export interface ConfiguredListener {
  field: string;
  address: string;
  /** First port; `portMax` for a range. */
  port: number;
  portMax?: number;
  what: string;
}

/** Every port of the configuration we listen on (fixed ones; port 0 lets the system choose). */
export function configuredListeners(config: Config): ConfiguredListener[] {
  const out: ConfiguredListener[] = [];
  config.sip.listen.forEach((contact, i) => {
    for (const spec of parseContact(contact)) {
      out.push({ field: `sip.listen[${i}]`, address: spec.address, port: spec.port, what: `SIP ${spec.protocol.toUpperCase()}` });
    }
  });
  out.push({ field: 'sip.ws.port', address: config.sip.ws.address, port: config.sip.ws.port, what: 'SIP over WebSocket' });
  if (config.sip.engine.mode === 'embedded' && config.sip.engine.port !== 0) {
    out.push({ field: 'sip.engine.port', address: '127.0.0.1', port: config.sip.engine.port, what: 'the SIP engine\'s admin socket' });
  }
  out.push({ field: 'http.port', address: config.http.address, port: config.http.port, what: 'HTTP (softphone and API)' });
  const rtp = config.media.rtpengine;
  if (rtp.mode === 'embedded') {
    if (rtp.ngPort) out.push({ field: 'media.rtpengine.ngPort', address: '127.0.0.1', port: rtp.ngPort, what: 'rtpengine\'s control port' });
    out.push({ field: 'media.rtpengine.portMin', address: '127.0.0.1', port: rtp.portMin, portMax: rtp.portMax, what: 'rtpengine\'s RTP ports' });
  }
  return out.filter((l) => l.port !== 0);
}

const IN_USE = /EADDRINUSE|address already in use/i;
const NO_RIGHT = /EACCES|permission denied/i;
/** `127.0.0.1:5060`, `[::1]:5060`, `0.0.0.0:8080` in a message. */
const HOST_PORT = /(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]|::):(\d{1,5})\b/g;

interface Clash {
  kind: 'in-use' | 'no-permission';
  address?: string;
  port: number;
}

/** The one-line explanation, or undefined when `err` is not about a port we could not listen on. */
export function portClashMessage(err: unknown, config: Config): string | undefined {
  const clash = findClash(err);
  if (!clash) return undefined;
  const onPort = configuredListeners(config).filter((l) => (l.portMax === undefined ? l.port === clash.port : clash.port >= l.port && clash.port <= l.portMax));
  // the address decides between listeners on one port (a host name in the config matches by port alone)
  const listener = onPort.find((l) => sameAddress(l.address, clash.address)) ?? (onPort.length === 1 ? onPort[0] : undefined);
  const at = `${clash.address ? `${clash.address.includes(':') && !clash.address.startsWith('[') ? `[${clash.address}]` : clash.address}:` : 'port '}${clash.port}`;
  const problem = clash.kind === 'in-use' ? 'is already in use by another program' : 'needs privileges we do not have (ports below 1024)';
  if (!listener) return `switchboard: cannot listen on ${at}: it ${problem}`;
  const field = listener.portMax === undefined ? listener.field : `${listener.field}–portMax, ${listener.port}-${listener.portMax}`;
  const env = ENV_VARS.find((v) => v.path.join('.') === listener.field.replace(/\[\d+\]$/, ''))?.name;
  return `switchboard: cannot listen on ${at} for ${listener.what} (${field}): it ${problem}; ` +
    `stop that program or set ${listener.field}${env ? ` (${env})` : ''} to a free port`;
}

function findClash(err: unknown): Clash | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { code?: unknown; port?: unknown; address?: unknown; message?: unknown };
    const message = typeof x.message === 'string' ? x.message : '';
    const kind = x.code === 'EADDRINUSE' || IN_USE.test(message) ? 'in-use' : x.code === 'EACCES' || NO_RIGHT.test(message) ? 'no-permission' : undefined;
    if (!kind) continue;
    if (typeof x.port === 'number' && x.port > 0) return { kind, port: x.port, ...(typeof x.address === 'string' ? { address: x.address } : {}) };
    const found = [...message.matchAll(HOST_PORT)].pop();
    if (found) return { kind, address: found[1]!.replace(/^\[|\]$/g, ''), port: Number(found[2]) };
  }
  return undefined;
}

/** A listener on `configured` covers `actual` (wildcards match any address; unknown matches too). */
function sameAddress(configured: string, actual: string | undefined): boolean {
  if (actual === undefined) return true;
  const wild = (a: string) => a === '0.0.0.0' || a === '::' || a === '';
  return configured === actual || wild(configured) || wild(actual);
}
