import { SipSyntaxError } from './errors';
import { formatParams, parseParams, splitParams } from './split';

/** A SIP or SIPS URI (RFC 3261 §19.1). Other schemes (tel:, urn:) keep their text in `opaque`. */
export interface SipUri {
  scheme: string;
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params: Map<string, string | null>;
  headers?: string;
  /** The text after the scheme for non-SIP schemes. */
  opaque?: string;
}

export function parseUri(text: string): SipUri {
  const s = text.trim();
  const colon = s.indexOf(':');
  if (colon <= 0) throw new SipSyntaxError(`invalid URI: ${s}`);
  const scheme = s.slice(0, colon).toLowerCase();
  const rest = s.slice(colon + 1);
  if (scheme !== 'sip' && scheme !== 'sips') {
    if (!rest) throw new SipSyntaxError(`invalid URI: ${s}`);
    return { scheme, host: '', params: new Map(), opaque: rest };
  }
  // the userinfo may hold ';', '?' and '/' (RFC 3261 §25.1 user-unreserved) but never a raw '@';
  // a header value written with a raw '@' (seen in Replaces) is tolerated by the second reading
  try {
    return splitSipUri(scheme, rest, rest.indexOf('@'), s);
  } catch (err) {
    const q = rest.indexOf('?');
    if (q === -1) throw err;
    return splitSipUri(scheme, rest, rest.lastIndexOf('@', q), s);
  }
}

function splitSipUri(scheme: string, rest: string, at: number, s: string): SipUri {
  let user: string | undefined;
  let password: string | undefined;
  let hostPart = rest;
  if (at !== -1) {
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const pc = userinfo.indexOf(':');
    if (pc === -1) user = userinfo;
    else {
      user = userinfo.slice(0, pc);
      password = userinfo.slice(pc + 1);
    }
  }
  let headers: string | undefined;
  const q = hostPart.indexOf('?');
  if (q !== -1) {
    headers = hostPart.slice(q + 1);
    hostPart = hostPart.slice(0, q);
  }
  const parts = splitParams(hostPart);
  const hostport = parts[0] ?? '';
  const { host, port } = parseHostPort(hostport, s);
  const uri: SipUri = { scheme, host, params: parseParams(parts.slice(1)) };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (port !== undefined) uri.port = port;
  if (headers !== undefined) uri.headers = headers;
  return uri;
}

export function parseHostPort(hostport: string, context = hostport): { host: string; port?: number } {
  let host: string;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end === -1) throw new SipSyntaxError(`invalid IPv6 reference in ${context}`);
    host = hostport.slice(0, end + 1);
    const after = hostport.slice(end + 1);
    if (after.startsWith(':')) portText = after.slice(1);
    else if (after) throw new SipSyntaxError(`invalid host in ${context}`);
  } else {
    const pc = hostport.indexOf(':');
    host = pc === -1 ? hostport : hostport.slice(0, pc);
    if (pc !== -1) portText = hostport.slice(pc + 1);
  }
  if (!host || !/^[A-Za-z0-9.\-_[\]:]+$/.test(host)) throw new SipSyntaxError(`invalid host in ${context}`);
  if (portText === undefined) return { host };
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) throw new SipSyntaxError(`invalid port in ${context}`);
  return { host, port };
}

export function formatUri(u: SipUri): string {
  if (u.opaque !== undefined) return `${u.scheme}:${u.opaque}`;
  let s = `${u.scheme}:`;
  if (u.user !== undefined) s += u.password !== undefined ? `${u.user}:${u.password}@` : `${u.user}@`;
  s += u.host;
  if (u.port !== undefined) s += `:${u.port}`;
  s += formatParams(u.params);
  if (u.headers !== undefined) s += `?${u.headers}`;
  return s;
}
