/**
 * `compat: 'drachtio-server'`: the engine shows apps what a real drachtio-server shows them, so the
 * apps' tests can run against both. drachtio-server knows the protocols udp, tcp and tls only: a
 * message over a WebSocket is reported as `tcp` (over a secure WebSocket as `tls`). It sends no
 * notice when a connection closes, and routes to a WebSocket contact by the first Contact of the
 * REGISTER 200 (see docs/drachtio-wire-protocol.md).
 */
export type EngineCompat = 'drachtio-server';

/** The protocol token of a `sip|…` event or an `OK|…` reply, as drachtio-server would write it. */
export function asDrachtioServer(payload: string): string {
  return payload.replace(/^((?:response\|[^|]*\|OK\|)?(?:sip\|)?(?:network|application)\|\d+\|)(wss?)\|/, (_all, head: string, proto: string) => `${head}${proto === 'wss' ? 'tls' : 'tcp'}|`);
}
