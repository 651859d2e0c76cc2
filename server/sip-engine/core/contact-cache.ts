import { parseUri } from '../message/uri';
import type { Endpoint } from '../transport/types';

/** What an app's REGISTER 200 puts in the contact cache, as the engine it stands in for does. */
export type ContactCacheMode =
  /** Every contact of the 200 that the REGISTER carried: they all came over that flow. */
  | 'registered'
  /** drachtio-server: only the first Contact of the 200, for that contact's expires. */
  | 'first-contact';

const DEFAULT_EXPIRES_S = 3600;

/**
 * Routes requests to WebSocket contacts (`sip:x@y.invalid;transport=ws`, which no DNS resolves) over
 * the connection they registered from, learnt from the app's 2xx to a REGISTER that came over it.
 */
export class ContactCache {
  private readonly entries = new Map<string, { flow: Endpoint; expiresAt: number }>();

  constructor(private readonly mode: ContactCacheMode, private readonly now: () => number = Date.now) {}

  /** The app answered 2xx to a REGISTER received over `flow` (WS or WSS). */
  registered(requestContacts: string[], response: { contacts: Array<{ uri: string; expires?: number }>; expires?: number }, flow: Endpoint): void {
    const asked = new Set(requestContacts.map(key));
    const listed = this.mode === 'first-contact' ? response.contacts.slice(0, 1) : response.contacts.filter((c) => asked.has(key(c.uri)));
    if (this.mode === 'registered') {
      // un-REGISTERed contacts are not in the 200: they leave the cache
      for (const c of requestContacts) if (!listed.some((l) => key(l.uri) === key(c))) this.entries.delete(key(c));
    }
    for (const c of listed) {
      const seconds = c.expires ?? response.expires ?? DEFAULT_EXPIRES_S;
      if (seconds <= 0) this.entries.delete(key(c.uri));
      else this.entries.set(key(c.uri), { flow, expiresAt: this.now() + seconds * 1000 });
    }
  }

  /** The flow a request to `uri` goes over, when it is a cached contact. */
  route(uri: string): Endpoint | undefined {
    const k = key(uri);
    const e = this.entries.get(k);
    if (!e) return undefined;
    if (e.expiresAt <= this.now()) {
      this.entries.delete(k);
      return undefined;
    }
    return e.flow;
  }
}

/** user@host:port, host lower-cased: parameters and scheme details do not tell contacts apart here. */
function key(uri: string): string {
  try {
    const u = parseUri(uri);
    return `${u.user ?? ''}@${u.host.toLowerCase()}:${u.port ?? ''}`;
  } catch {
    return uri;
  }
}
