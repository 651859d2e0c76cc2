import type { AnySipMessage } from '../message/message';
import type { Endpoint } from '../transport/types';

/** drachtio's time token: UTC time of day, `HH:MM:SS.uuuuuu`. */
export function timeToken(now = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(now.getUTCHours())}:${p(now.getUTCMinutes())}:${p(now.getUTCSeconds())}.${p(now.getUTCMilliseconds() * 1000, 6)}`;
}

/**
 * A SIP message for an app: `sip|<source>|<bytes>|<proto>|<addr>|<port>|<time>|<txnId>|<dialogId>|[rxAddr|rxPort|]`
 * followed by CRLF and the message text.
 */
export function sipEvent(
  source: 'network' | 'application',
  msg: AnySipMessage | string,
  peer: Endpoint,
  txnId: string,
  dialogId: string,
  receivedOn?: { address: string; port: number },
): string {
  const text = typeof msg === 'string' ? msg : msg.toString();
  const rx = receivedOn ? `${receivedOn.address}|${receivedOn.port}|` : '';
  return `sip|${source}|${Buffer.byteLength(text)}|${peer.protocol}|${peer.address}|${peer.port}|${timeToken()}|${txnId}|${dialogId}|${rx}\r\n${text}`;
}

/** The OK answer to an app's `sip` command, echoing the message as sent. */
export function sentReply(msg: AnySipMessage, dest: Endpoint, txnId: string, dialogId: string): string {
  const text = msg.toString();
  return `OK|application|${Buffer.byteLength(text)}|${dest.protocol}|${dest.address}|${dest.port}|${timeToken()}|${txnId}|${dialogId}|\r\n${text}`;
}

/** Replaces `@localhost` (what drachtio-srf writes when it does not know our address) with our host:port. */
export function rewriteLocalhost(value: string, hostport: string): string {
  return value.indexOf('@localhost') === -1 ? value : value.replace(/@localhost(:\d+)?/g, `@${hostport}`);
}
