/**
 * The messages of RFC 4475 ("SIP Torture Test Messages") §3.1.1 (valid), §3.1.2 (invalid) and
 * §3.3 (application-layer semantics), typed in from the RFC text. The RFC's conventions are
 * followed: every line ends in CRLF, `<hex>..</hex>` bytes are written as escapes, and
 * `<repeat count=N>x</repeat>` as `'x'.repeat(N)`.
 */

export const CRLF = '\r\n';

/** Header lines joined by CRLF, the blank line, then the body (lines joined by CRLF, ending in CRLF). */
export function message(head: string[], body: string[] = []): Buffer {
  const text = head.join(CRLF) + CRLF + CRLF + (body.length > 0 ? body.join(CRLF) + CRLF : '');
  return Buffer.from(text, 'utf8');
}

/** The SDP body most torture messages carry (150 bytes with the RFC's addresses). */
export function sdp(origin: string, conn = origin, time = '0 0'): string[] {
  return [
    'v=0', `o=mhandley 29739 7272939 IN IP4 ${origin}`, 's=-', `c=IN IP4 ${conn}`, `t=${time}`,
    'm=audio 49217 RTP/AVP 0 12', 'm=video 3227 RTP/AVP 31', 'a=rtpmap:31 LPC',
  ];
}
