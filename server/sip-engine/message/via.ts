import { SipSyntaxError } from './errors';
import { parseHostPort } from './uri';
import { formatParams, parseParams, splitParams } from './split';

/** One Via value (RFC 3261 §20.42), e.g. `SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK…;rport`. */
export interface Via {
  protocol: string; // "SIP/2.0"
  transport: string; // upper case: UDP, TCP, TLS, WS, WSS
  host: string;
  port?: number;
  params: Map<string, string | null>;
}

export function parseVia(value: string): Via {
  const parts = splitParams(value.trim());
  const sentPart = (parts[0] ?? '').trim();
  const m = /^([A-Za-z0-9.\-_!%*+`'~]+)\s*\/\s*([0-9.]+)\s*\/\s*([A-Za-z0-9\-_]+)\s+(\S+)$/.exec(sentPart);
  if (!m) throw new SipSyntaxError(`invalid Via: ${value}`);
  const { host, port } = parseHostPort(m[4]!, value);
  const via: Via = { protocol: `${m[1]!.toUpperCase()}/${m[2]}`, transport: m[3]!.toUpperCase(), host, params: parseParams(parts.slice(1)) };
  if (port !== undefined) via.port = port;
  return via;
}

export function formatVia(via: Via): string {
  const hostport = via.port !== undefined ? `${via.host}:${via.port}` : via.host;
  return `${via.protocol}/${via.transport} ${hostport}${formatParams(via.params)}`;
}

export const BRANCH_COOKIE = 'z9hG4bK';
