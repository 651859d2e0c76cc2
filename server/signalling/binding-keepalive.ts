/**
 * Keep-alive probing of registered devices reached over connections (WebSocket, TCP, TLS) when the SIP
 * engine gives no notice that a connection closed (a real drachtio-server gives none): an OPTIONS goes
 * to each such binding every `intervalMs`; a probe the engine cannot deliver (no route, `410 Gone`,
 * `503`), a `408`, or no answer within `timeoutMs` removes the binding, as a flow notice would have.
 * Any other answer — even 404 or 501 — proves the device is there.
 */
import type Srf from 'drachtio-srf';
import type { Binding } from '../store/bindings/binding-store';
import type { LimitListener } from './limits';
import { flowProxy, isTransportFailure } from './operator-dialer';
import type { Registrar } from './registrar';

export const DEFAULT_KEEPALIVE_INTERVAL_MS = 30_000;
export const DEFAULT_KEEPALIVE_TIMEOUT_MS = 10_000;
export const DEFAULT_KEEPALIVE_MAX_IN_FLIGHT = 50;

/** Transports whose bindings are probed: connections that may close without the device un-registering. */
const PROBED = new Set(['ws', 'wss', 'tcp', 'tls']);

export interface BindingKeepAliveOptions {
  srf: Srf;
  registrar: Registrar;
  /** The addresses of record to probe (the operators' SIP users). */
  aors: () => readonly string[];
  /** Time between two rounds of probes. Default 30 s. */
  intervalMs?: number;
  /** A probe unanswered this long counts as failed. Default 10 s. */
  timeoutMs?: number;
  /** Probes outstanding at once; the bindings past it wait for the next round (`keepalive-probes` limit). Default 50. */
  maxInFlight?: number;
  onLimit?: LimitListener;
  log?: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

export type ProbeResult = 'alive' | 'gone';

export class BindingKeepAlive {
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<string>();
  private round: Promise<void> | undefined;
  private closed = false;
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly maxInFlight: number;

  constructor(private readonly options: BindingKeepAliveOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_KEEPALIVE_TIMEOUT_MS;
    this.maxInFlight = options.maxInFlight ?? DEFAULT_KEEPALIVE_MAX_IN_FLIGHT;
  }

  start(): void {
    if (this.closed) throw new Error('BindingKeepAlive: closed');
    this.timer ??= setInterval(() => {
      this.round ??= this.probeAll().finally(() => { this.round = undefined; });
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One round: probes every connection binding of every AOR (at most maxInFlight at once). */
  async probeAll(): Promise<void> {
    const probes: Array<Promise<unknown>> = [];
    let skipped = 0;
    for (const aor of this.options.aors()) {
      if (this.closed) break;
      let bindings: Binding[];
      try {
        bindings = await this.options.registrar.lookup(aor);
      } catch (err) {
        this.options.log?.warn({ err, aor }, 'keep-alive: reading the bindings failed');
        continue;
      }
      for (const b of bindings) {
        if (!PROBED.has(b.flow.protocol.toLowerCase()) || this.inFlight.has(key(b))) continue;
        if (this.inFlight.size >= this.maxInFlight) {
          skipped++;
          continue;
        }
        probes.push(this.check(b));
      }
    }
    if (skipped > 0) {
      this.options.onLimit?.('keepalive-probes');
      this.options.log?.warn({ skipped, maxInFlight: this.maxInFlight }, 'keep-alive: probes in flight at their limit; the rest wait for the next round');
    }
    await Promise.all(probes);
  }

  /** Probes one binding and removes it when the probe fails. */
  async check(b: Binding): Promise<ProbeResult> {
    this.inFlight.add(key(b));
    try {
      const result = await this.probe(b);
      if (result === 'gone' && !this.closed) await this.options.registrar.unreachable(b, 'keepalive');
      return result;
    } catch (err) {
      // the store failed while removing: the binding stays until the next round or its expiry
      this.options.log?.warn({ err, aor: b.aor, contact: b.contact }, 'keep-alive: removing a dead binding failed');
      return 'gone';
    } finally {
      this.inFlight.delete(key(b));
    }
  }

  /** Sends one OPTIONS over the binding's flow; `gone` when it cannot be delivered or is not answered in time. */
  probe(b: Binding): Promise<ProbeResult> {
    return new Promise<ProbeResult>((resolve) => {
      let done = false;
      const finish = (r: ProbeResult, why: object) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (r === 'gone') this.options.log?.info({ aor: b.aor, contact: b.contact, flow: b.flow, ...why }, 'keep-alive: device did not answer over its flow');
        resolve(r);
      };
      const timer = setTimeout(() => finish('gone', { timeoutMs: this.timeoutMs }), this.timeoutMs);
      timer.unref();
      const proxy = flowProxy(b);
      const opts = { method: 'OPTIONS', ...(proxy !== undefined ? { proxy } : {}) };
      // drachtio-srf calls back with the request sent, then emits its final response
      (this.options.srf.request as unknown as (uri: string, o: object, cb: (err: unknown, req?: { on(ev: 'response', l: (res: { status: number }) => void): void }) => void) => void)(
        b.contact, opts, (err, req) => {
          if (err || !req) return finish('gone', { err: (err as Error | undefined)?.message ?? String(err) });
          req.on('response', (res) => {
            if (res.status < 200) return;
            finish(isTransportFailure(res) || res.status === 408 ? 'gone' : 'alive', { status: res.status });
          });
        },
      );
    });
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function key(b: Binding): string {
  return `${b.aor} ${b.contact}`;
}
