/**
 * Security headers for every answer (helmet): a Content-Security-Policy the softphone runs under —
 * scripts, styles and fetches from our own origin only, plus the SIP WebSocket listener the page
 * registers on — no framing (`frame-ancestors 'none'` and `X-Frame-Options: DENY`), no MIME
 * sniffing, no referrer. Media from WebRTC (`srcObject`) and ICE are not governed by CSP.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

export interface SecurityHeadersOptions {
  /** The SIP WebSocket URL the page connects to (`ws://…`/`wss://…`), allowed in `connect-src`. */
  wsServer: string;
}

/** The CSP directives, for helmet (and for tests that serve the page elsewhere). */
export function cspDirectives(options: SecurityHeadersOptions): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", wsOrigin(options.wsServer)],
    'media-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'form-action': ["'self'"],
  };
}

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/** helmet with our CSP; works on express and on plain node:http servers. */
export function securityHeaders(options: SecurityHeadersOptions): Middleware {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(options) },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // the app speaks plain HTTP (often on 127.0.0.1); HSTS belongs to the TLS terminator in front of it
    strictTransportSecurity: false,
  });
}

/** `ws://host:port/path` → `ws://host:port` (CSP source expressions match origins; paths would narrow it). */
function wsOrigin(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    throw new Error(`the SIP WebSocket URL is not a URL: ${url}`);
  }
}
