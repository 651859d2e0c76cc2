import type Srf from 'drachtio-srf';
import type { Binding, BindingStore, Flow } from '../store/bindings/binding-store';
import type { LimitListener } from './limits';
import type { OperatorAuth } from './operator-auth';
import { deviceOfRegistration } from './operator-device';

export const DEFAULT_MAX_CONTACTS_PER_REGISTER = 10;
export const DEFAULT_MAX_BINDINGS_PER_OPERATOR = 10;

/**
 * Why bindings were removed before they expired (`switchboard_bindings_removed_total{reason}`):
 * the engine said their flow closed, a request to the device failed at the transport (`unreachable`),
 * a keep-alive probe failed (`keepalive`), the instance holding their connections died, or a REGISTER
 * of the same device (`+sip.instance`) under a new contact replaced them.
 */
export const BINDING_REMOVAL_REASONS = ['flow-closed', 'unreachable', 'keepalive', 'instance-gone', 'replaced'] as const;
export type BindingRemovalReason = (typeof BINDING_REMOVAL_REASONS)[number];

/** Transports whose flows are connections held by the SIP engine's process. */
const CONNECTION_PROTOCOLS = new Set(['tcp', 'tls', 'ws', 'wss']);

export interface RegistrarOptions {
  srf: Srf;
  bindings: BindingStore;
  auth: OperatorAuth;
  /** Expiry bounds in seconds (RFC 3261 §10.3 step 7). */
  minExpires?: number;
  maxExpires?: number;
  defaultExpires?: number;
  /** Contacts one REGISTER may carry (`sip.limits.maxContactsPerRegister`); more: 403, nothing stored. Default 10. */
  maxContactsPerRegister?: number;
  /**
   * Live bindings per operator (`sip.limits.maxBindingsPerOperator`). A REGISTER that adds bindings
   * beyond it replaces the ones expiring soonest (a device that re-registers after a restart is not
   * locked out by its own stale bindings); one that alone carries more is refused. Default 10.
   */
  maxBindingsPerOperator?: number;
  /** Told of every tripped limit (metrics). */
  onLimit?: LimitListener;
  /** Told of bindings removed before they expired, with why (metrics). */
  onRemoved?: (reason: BindingRemovalReason, count: number) => void;
  /**
   * The instance whose process holds the connections (TCP, TLS, WS, WSS) REGISTERs arrive over —
   * set when the SIP engine is embedded. Bindings over them carry it and are removed when the
   * instance dies (a connection of a dead process leads nowhere); UDP bindings stay.
   */
  instanceId?: string;
  now?: () => number;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/**
 * The operators' registrar (RFC 3261 §10.3) on drachtio-srf: authenticated REGISTERs add, refresh
 * and remove bindings; each binding remembers the flow it came over, because browsers (WebSocket)
 * and phones behind NAT can only be reached back through it.
 */
export class Registrar {
  private readonly now: () => number;
  private readonly min: number;
  private readonly max: number;
  private readonly dflt: number;

  constructor(private readonly options: RegistrarOptions) {
    this.now = options.now ?? Date.now;
    this.min = options.minExpires ?? 60;
    this.max = options.maxExpires ?? 3600;
    this.dflt = options.defaultExpires ?? 600;
    options.srf.use('register', (req, res) => {
      this.handle(req, res).catch((err: Error) => {
        options.log?.warn({ err }, 'REGISTER failed');
        if (!res.finalResponseSent) res.send(500);
      });
    });
  }

  /** Live bindings of an operator's SIP user. */
  lookup(username: string): Promise<Binding[]> {
    return this.options.bindings.lookup(username, this.now());
  }

  /** An instance died: the bindings over its connections lead nowhere. */
  async instanceGone(instanceId: string): Promise<number> {
    const n = await this.options.bindings.removeInstance(instanceId);
    if (n > 0) this.options.onRemoved?.('instance-gone', n);
    if (n > 0) this.options.log?.info({ instanceId, removed: n }, 'instance gone: bindings over its connections removed');
    return n;
  }

  /** A flow closed (the engine told us): its devices are unreachable at once. */
  async flowClosed(flow: Flow): Promise<number> {
    const n = await this.options.bindings.removeFlow(flow, this.now());
    if (n > 0) this.options.onRemoved?.('flow-closed', n);
    if (n > 0) this.options.log?.info({ flow, removed: n }, 'flow closed: bindings removed');
    return n;
  }

  /**
   * A device could not be reached over its binding's flow (no route, broken pipe, the engine's 410 or
   * 503 for a dead flow, a keep-alive probe unanswered): the binding is removed at once rather than left
   * to expire. A REGISTER that refreshed it meanwhile (higher CSeq) keeps it. True when it was removed.
   */
  async unreachable(b: Binding, reason: 'unreachable' | 'keepalive' = 'unreachable'): Promise<boolean> {
    const now = this.now();
    const held = (await this.options.bindings.lookup(b.aor, now)).some((x) => x.contact === b.contact && x.callId === b.callId && x.cseq === b.cseq);
    if (!held) return false; // gone already, or refreshed since
    const live = await this.options.bindings.update(b.aor, { callId: b.callId, cseq: b.cseq + 1, upsert: [], remove: [b.contact] }, now);
    if (live.some((x) => x.contact === b.contact)) return false;
    this.options.onRemoved?.(reason, 1);
    this.options.log?.info({ aor: b.aor, contact: b.contact, flow: b.flow, left: live.length, reason }, 'device unreachable over its flow: binding removed');
    return true;
  }

  private async handle(req: Srf.SrfRequest, res: Srf.SrfResponse): Promise<void> {
    const username = this.options.auth.check(req, res);
    if (!username) return;
    const toUser = /sips?:([^@;>]+)@/.exec(req.get('To') ?? '')?.[1];
    if (toUser !== username) {
      res.send(403, 'Forbidden (credentials do not match the address of record)', {});
      return;
    }
    const callId = req.get('Call-ID');
    const cseq = parseInt(req.get('CSeq'), 10);
    const expiresHeader = req.has('Expires') ? parseInt(req.get('Expires'), 10) : undefined;
    const contacts = splitContacts(req.get('Contact') ?? '');
    const maxContacts = this.options.maxContactsPerRegister ?? DEFAULT_MAX_CONTACTS_PER_REGISTER;
    if (contacts.length > maxContacts) {
      this.options.onLimit?.('contacts-per-register');
      res.send(403, `Forbidden (at most ${maxContacts} Contacts per REGISTER)`, {});
      return;
    }
    const now = this.now();
    const flow: Flow = { protocol: flowProtocol(req), address: req.source_address, port: Number(req.source_port) };
    const heldFlow = this.options.instanceId !== undefined && CONNECTION_PROTOCOLS.has(flow.protocol.toLowerCase());

    if (contacts.length === 1 && contacts[0]!.uri === '*') {
      if (expiresHeader !== 0) {
        res.send(400, 'Bad Request (Contact: * needs Expires: 0)', {});
        return;
      }
      await this.options.bindings.update(username, { callId, cseq, removeAll: true, upsert: [], remove: [] }, now);
      res.send(200);
      return;
    }
    const upsert: Binding[] = [];
    const remove: string[] = [];
    for (const c of contacts) {
      const asked = c.expires ?? expiresHeader ?? this.dflt;
      if (!Number.isInteger(asked) || asked < 0) {
        res.send(400, 'Bad Request (invalid expires)', {});
        return;
      }
      if (asked === 0) remove.push(c.uri);
      else if (asked < this.min) {
        res.send(423, { headers: { 'Min-Expires': String(this.min) } });
        return;
      } else {
        const seconds = Math.min(asked, this.max);
        upsert.push({
          aor: username, contact: c.uri, expiresAt: now + seconds * 1000, callId, cseq, flow, userAgent: req.get('User-Agent'),
          device: deviceOfRegistration(flow.protocol, c.uri),
          ...(heldFlow ? { instanceId: this.options.instanceId } : {}),
          ...(c.sipInstance !== undefined ? { sipInstance: c.sipInstance } : {}),
        });
      }
    }
    const replaced = upsert.length > 0 ? await this.sameDevice(username, upsert, remove, now) : 0;
    if (upsert.length > 0) {
      const refused = await this.makeRoom(username, upsert, remove, now);
      if (refused) {
        res.send(403, refused, {});
        return;
      }
    }
    const live = contacts.length === 0
      ? await this.options.bindings.lookup(username, now)
      : await this.options.bindings.update(username, { callId, cseq, upsert, remove }, now);
    // only this flow's contacts (RFC 5626 §6): drachtio-server's contact cache follows the first Contact
    // of the 200, so another device's (maybe stale) binding listed first would take over this flow's route
    const contactHeader = live.filter((b) => sameFlow(b.flow, flow)).map((b) => `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`).join(', ');
    res.send(200, { headers: contactHeader ? { Contact: contactHeader } : {} });
    if (replaced > 0) this.options.onRemoved?.('replaced', replaced);
    this.options.log?.info({ username, bindings: live.length, flow, ...(replaced > 0 ? { replaced } : {}) }, 'registered');
  }

  /**
   * RFC 5626 §6: a binding of the same device (`+sip.instance` and `reg-id`) under another contact is
   * replaced — a reloaded browser tab or a restarted phone registers a new contact, and the old one
   * leads nowhere. Adds those contacts to `remove`; returns how many.
   */
  private async sameDevice(username: string, upsert: Binding[], remove: string[], now: number): Promise<number> {
    const instances = new Set(upsert.flatMap((b) => (b.sipInstance !== undefined ? [b.sipInstance] : [])));
    if (instances.size === 0) return 0;
    const adding = new Set(upsert.map((b) => b.contact));
    const old = (await this.options.bindings.lookup(username, now))
      .filter((b) => b.sipInstance !== undefined && instances.has(b.sipInstance) && !adding.has(b.contact) && !remove.includes(b.contact));
    remove.push(...old.map((b) => b.contact));
    return old.length;
  }

  /**
   * Keeps the operator within maxBindingsPerOperator: adds the bindings expiring soonest to `remove`
   * when the new ones would exceed it; a reason to refuse when the REGISTER alone exceeds it.
   * (Two REGISTERs of one operator at the same instant may overshoot by one; the next one trims.)
   */
  private async makeRoom(username: string, upsert: Binding[], remove: string[], now: number): Promise<string | undefined> {
    const max = this.options.maxBindingsPerOperator ?? DEFAULT_MAX_BINDINGS_PER_OPERATOR;
    const adding = new Set(upsert.map((b) => b.contact));
    if (adding.size > max) {
      this.options.onLimit?.('bindings-per-operator');
      return `Forbidden (at most ${max} bindings per operator)`;
    }
    const removing = new Set(remove);
    const others = (await this.options.bindings.lookup(username, now))
      .filter((b) => !adding.has(b.contact) && !removing.has(b.contact))
      .sort((a, b) => a.expiresAt - b.expiresAt);
    const excess = others.length + adding.size - max;
    if (excess > 0) {
      this.options.onLimit?.('bindings-per-operator');
      remove.push(...others.slice(0, excess).map((b) => b.contact));
      this.options.log?.info({ username, replaced: excess, max }, 'binding limit: replaced the bindings expiring soonest');
    }
    return undefined;
  }
}

interface ContactValue {
  uri: string;
  expires?: number;
  /** `<urn:…>` of `+sip.instance`, with `;reg-id=N` when given. */
  sipInstance?: string;
}

/** Splits a Contact header into URIs with their expires parameters. */
function splitContacts(header: string): ContactValue[] {
  if (header.trim() === '*') return [{ uri: '*' }];
  const out: ContactValue[] = [];
  const re = /(?:"[^"]*"\s*)?<([^>]+)>([^,]*)|([^,<>\s;]+)([^,]*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(header)) !== null) {
    const uri = (m[1] ?? m[3] ?? '').trim();
    if (!uri) continue;
    const params = m[2] ?? m[4] ?? '';
    const e = /;\s*expires\s*=\s*(\d+)/i.exec(params);
    const instance = /;\s*\+sip\.instance\s*=\s*"?(<[^>]{1,200}>)"?/i.exec(params)?.[1];
    const regId = /;\s*reg-id\s*=\s*(\d{1,9})/i.exec(params)?.[1];
    out.push({
      uri, ...(e ? { expires: Number(e[1]) } : {}),
      ...(instance !== undefined ? { sipInstance: regId !== undefined ? `${instance.toLowerCase()};reg-id=${regId}` : instance.toLowerCase() } : {}),
    });
  }
  return out;
}

/**
 * The transport of the REGISTER's flow, from its top Via (`SIP/2.0/WS`, `WSS`): drachtio-server reports
 * WebSocket traffic as `tcp`, so what the engine says is right only for UDP, TCP and TLS.
 */
export function flowProtocol(req: { protocol: string; get(name: string): string | undefined }): string {
  const transport = /^\s*SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)/i.exec(req.get('Via') ?? '')?.[1]?.toLowerCase();
  return transport === 'ws' || transport === 'wss' ? transport : req.protocol;
}

function sameFlow(a: Flow, b: Flow): boolean {
  return a.protocol === b.protocol && a.address === b.address && a.port === b.port;
}
