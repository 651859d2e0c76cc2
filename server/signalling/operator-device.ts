import type { OperatorDevice } from '../calls/ports';
import type { Binding } from '../store/bindings/binding-store';

/**
 * An operator device's kind from its registration: a REGISTER over a WebSocket or with a `.invalid`
 * contact host (RFC 7118 §5: browsers have no address of their own) comes from a browser; anything
 * else (UDP, TCP, TLS with a reachable contact) from a desk phone or a SIP softphone. A hint only:
 * the device's SDP decides (see operatorDevice).
 */
export function deviceOfRegistration(flowProtocol: string, contact: string): OperatorDevice {
  const p = flowProtocol.toLowerCase();
  if (p === 'ws' || p === 'wss') return 'browser';
  const host = /^sips?:(?:[^@;>]*@)?(\[[^\]]+\]|[^:;>?]+)/i.exec(contact.trim())?.[1] ?? '';
  return /\.invalid\.?$/i.test(host) ? 'browser' : 'phone';
}

/**
 * A device's kind from the SDP it sends: WebRTC (UDP/TLS/RTP/SAVPF, or a DTLS fingerprint with ICE)
 * is a browser; plain RTP/AVP (or SDES RTP/SAVP) a phone. Undefined without an audio line.
 */
export function deviceOfSdp(sdp: string): OperatorDevice | undefined {
  const protos = [...sdp.matchAll(/^m=audio\s+\d+(?:\/\d+)?\s+(\S+)/gim)].map((m) => m[1]!.toUpperCase());
  if (protos.length === 0) return undefined;
  if (protos.some((p) => p.includes('TLS'))) return 'browser';
  if (/^a=fingerprint:/im.test(sdp) && /^a=ice-ufrag:/im.test(sdp)) return 'browser';
  return 'phone';
}

/** What the answering device is: its SDP first, else what it registered as, else a browser. */
export function operatorDevice(binding: Binding, sdp: string | undefined): OperatorDevice {
  return (sdp ? deviceOfSdp(sdp) : undefined) ?? binding.device ?? 'browser';
}

/**
 * An SDP answer refusing every stream of `offer` (each m-line with port 0, RFC 3264 §6): what the
 * ACK of a 2xx we cannot use carries before the BYE, so the device starts no media.
 */
export function refusingAnswer(offer: string): string {
  const lines = [...offer.matchAll(/^m=(\S+)\s+\d+(?:\/\d+)?\s+(\S+)\s+(\S+)/gm)].map((m) => `m=${m[1]} 0 ${m[2]} ${m[3]}`);
  return ['v=0', 'o=- 0 0 IN IP4 0.0.0.0', 's=-', 'c=IN IP4 0.0.0.0', 't=0 0', ...(lines.length ? lines : ['m=audio 0 RTP/AVP 0']), ''].join('\r\n');
}
