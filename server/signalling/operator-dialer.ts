import type Srf from 'drachtio-srf';
import type { Binding } from '../store/bindings/binding-store';

export type DialFailure = 'unreachable' | 'no-answer' | 'declined' | 'canceled';

/** Why calling an operator's devices produced no call. */
export class DialError extends Error {
  override readonly name = 'DialError';
  constructor(readonly reason: DialFailure, readonly status: number, message: string) {
    super(message);
  }
  get code(): string {
    return `ERR_DIAL_${this.reason.toUpperCase().replace('-', '_')}`;
  }
}

export interface DialOptions {
  /**
   * The SDP offer to send. Without it the INVITE carries no SDP (late offer): the device offers in
   * its 200 and the result's `ack(answerSdp)` completes the call (how a parked caller is joined).
   */
  localSdp?: string;
  headers?: Record<string, string>;
  /** Give up and CANCEL every leg after this long without an answer. */
  ringTimeoutMs: number;
  /** Called once when any device starts ringing, with that device's binding. */
  onRinging?: (binding: Binding) => void;
  /** Aborting cancels every leg (the caller hung up). */
  signal?: AbortSignal;
  /** Digest credentials for a challenge (an outbound trunk's), and the calling number for From. */
  auth?: { username: string; password: string };
  callingNumber?: string;
  /**
   * A device could not be reached over its flow (the engine refused to send, or answered 503 for a
   * dead flow): its binding is stale. The other devices still ring.
   */
  onUnreachable?: (binding: Binding) => void;
}

export type DialResult =
  | { kind: 'dialog'; dialog: Srf.Dialog; binding: Binding }
  /** Late offer: the device's SDP offer, and the ACK (with our answer) that turns it into a dialog. */
  | { kind: 'late-offer'; offer: string; ack: (answerSdp: string) => Promise<Srf.Dialog>; binding: Binding };

/**
 * Sends requests over the flow a binding registered from (the only way back to a NATed phone). None for
 * WebSocket flows: the engine routes to a WebSocket contact over the connection it registered on (its
 * contact cache; drachtio-server's too, which would override a route given here).
 */
export function flowProxy(b: Binding): string | undefined {
  if (b.flow.protocol === 'ws' || b.flow.protocol === 'wss') return undefined;
  return `sip:${b.flow.address.includes(':') ? `[${b.flow.address}]` : b.flow.address}:${b.flow.port};transport=${b.flow.protocol}`;
}

/**
 * Calls every registered device of an operator at once (parallel fork): the first to answer gets
 * the call and the other legs are CANCELled; a leg that answers too late is hung up.
 */
export async function dialBindings(srf: Srf, bindings: Binding[], opts: DialOptions): Promise<DialResult> {
  if (bindings.length === 0) throw new DialError('unreachable', 480, 'the operator has no registered device');
  const pending = new Map<Binding, Srf.SrfRequest>();
  let settled = false;
  let rang = false;
  const finish = () => {
    settled = true;
    for (const req of pending.values()) req.cancel(() => undefined);
    pending.clear();
  };
  return new Promise<DialResult>((resolve, reject) => {
    const failures: number[] = [];
    const timer = setTimeout(() => {
      if (settled) return;
      finish();
      reject(new DialError('no-answer', 408, `no answer within ${opts.ringTimeoutMs} ms`));
    }, opts.ringTimeoutMs);
    const onAbort = () => {
      if (settled) return;
      clearTimeout(timer);
      finish();
      reject(new DialError('canceled', 487, 'canceled'));
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    for (const b of bindings) {
      // drachtio-srf calls cbRequest(err, req) and cbProvisional(res), whatever its typings say
      const progress = {
        cbRequest: (_err: unknown, req: Srf.SrfRequest) => {
          if (settled) req.cancel(() => undefined);
          else pending.set(b, req);
        },
        cbProvisional: (res: Srf.SrfResponse) => {
          if (!rang && res.status >= 180) {
            rang = true;
            opts.onRinging?.(b);
          }
        },
      } as unknown as Parameters<Srf['createUAC']>[2];
      const extra = { ...(opts.auth ? { auth: opts.auth } : {}), ...(opts.callingNumber ? { callingNumber: opts.callingNumber } : {}) };
      const proxy = flowProxy(b);
      const route = proxy === undefined ? {} : { proxy };
      const uacOptions = opts.localSdp !== undefined
        ? { localSdp: opts.localSdp, headers: opts.headers ?? {}, ...route, ...extra }
        : { noAck: true, headers: opts.headers ?? {}, ...route, ...extra };
      srf.createUAC(b.contact, uacOptions as Srf.CreateUACOptions, progress).then(
        (answered: unknown) => {
          pending.delete(b);
          const result: DialResult = opts.localSdp !== undefined
            ? { kind: 'dialog', dialog: answered as Srf.Dialog, binding: b }
            : { kind: 'late-offer', ...(answered as { sdp: string; ack: (sdp: string) => Promise<Srf.Dialog> }), offer: (answered as { sdp: string }).sdp, binding: b };
          if (settled) {
            // answered too late: complete and hang up, so the device is not left ringing or waiting
            if (result.kind === 'dialog') destroyQuietly(result.dialog);
            else void result.ack(result.offer).then(destroyQuietly, () => undefined);
            return;
          }
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          finish();
          resolve(result);
        },
        (err: { status?: number }) => {
          pending.delete(b);
          if (!settled && isTransportFailure(err)) opts.onUnreachable?.(b);
          failures.push(err.status ?? 500);
          if (settled || failures.length < bindings.length) return;
          settled = true;
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
          const declined = failures.find((s) => s === 486 || s === 603 || s === 600);
          if (declined) reject(new DialError('declined', declined, `declined with ${declined}`));
          else reject(new DialError('unreachable', Math.min(...failures), `no device could be reached (${failures.join(', ')})`));
        },
      );
    }
  });
}

/** Hangs up a dialog, ignoring a failure (the peer may already be gone). */
export function destroyQuietly(dialog: Srf.Dialog): void {
  try {
    void (dialog.destroy() as unknown as Promise<unknown> | undefined)?.catch?.(() => undefined);
  } catch {
    // already destroyed
  }
}

/**
 * A failure to reach the device at all, not its answer: the engine would not send (no status, e.g. "no
 * route", a closed connection) or answered itself for a dead flow — drachtio-server answers `410 Gone`
 * for a WebSocket whose connection has closed, `503` for a broken pipe.
 */
export function isTransportFailure(err: { status?: number }): boolean {
  return err.status === undefined || err.status === 410 || err.status === 503;
}
