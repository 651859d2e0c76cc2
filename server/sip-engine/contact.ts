import { parseUri } from './message/uri';
import type { ListenSpec, Protocol } from './transport/types';

const PROTOCOLS: readonly Protocol[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

/**
 * Parses a drachtio-style `--contact` value into listen specs:
 * `sip:127.0.0.1:5060;transport=udp,tcp` → UDP and TCP on 127.0.0.1:5060. Without a transport, UDP and TCP.
 */
export function parseContact(contact: string): ListenSpec[] {
  let uri;
  try {
    uri = parseUri(contact);
  } catch (err) {
    throw new Error(`invalid contact "${contact}": ${(err as Error).message}`, { cause: err });
  }
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') throw new Error(`invalid contact "${contact}": scheme must be sip or sips`);
  const list = (uri.params.get('transport') ?? 'udp,tcp').toLowerCase().split(',').map((t) => t.trim());
  return list.map((t) => {
    if (!PROTOCOLS.includes(t as Protocol)) throw new Error(`invalid contact "${contact}": unknown transport ${t}`);
    const protocol = t as Protocol;
    const port = uri.port ?? (protocol === 'tls' || protocol === 'wss' ? 5061 : protocol === 'ws' ? 8080 : 5060);
    return { protocol, address: uri.host.replace(/^\[|\]$/g, ''), port };
  });
}
