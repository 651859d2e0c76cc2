import type Srf from 'drachtio-srf';
import type { TrunkAuth } from './trunk-auth';
import { onUasDialogEnd } from './dialog-ends';
import type { LimitListener } from './limits';
import type { LogLimiter } from './log-limiter';
import { SIP_OUTCOMES, type SipOutcome } from './sip-outcomes';
import type { TrunkCallLimiter } from './trunk-call-limiter';

export interface NumberRoute {
  number: string;
  queue: string;
}

/** A call from a trunk to a number Switchboard serves. */
export interface TrunkCall {
  req: Srf.SrfRequest;
  res: Srf.SrfResponse;
  trunkId: string;
  number: string;
  queue: string;
  caller: string;
}

export interface IngressOptions {
  srf: Srf;
  trunks: TrunkAuth;
  numbers: NumberRoute[];
  /** Takes over an accepted call (queueing, ringing operators, media). */
  onCall: (call: TrunkCall) => void;
  log?: { info(obj: object, msg?: string): void };
  /** True while the server drains (shutting down): new calls are refused with 503 and `Retry-After`. */
  draining?: () => boolean;
  /**
   * True while the state store (Redis) is known to be unavailable: new calls are refused with 503
   * and `Retry-After` before anything is answered (they could not be queued).
   */
  storeUnavailable?: () => boolean;
  /** Takes an INVITE placed by an operator's device (not to a number); true when it did. */
  operatorCall?: (req: Srf.SrfRequest, res: Srf.SrfResponse) => boolean;
  /** m-lines an offer may have (`sip.limits.maxMediaLines`); more: 488 before any media is allocated. Default 4. */
  maxMediaLines?: number;
  /** Per-trunk calls per second and calls in progress; beyond: 503 with `Retry-After`. Default: no limit. */
  callLimiter?: TrunkCallLimiter;
  /** Told of every tripped limit (metrics). */
  onLimit?: LimitListener;
  /** Rate-limits the "call refused" log lines per outcome and source. */
  logLimiter?: LogLimiter;
}

/** Seconds a trunk is asked to wait before retrying a server that drains (another instance takes the call meanwhile). */
export const DRAINING_RETRY_AFTER_SECONDS = 30;

export const DEFAULT_MAX_MEDIA_LINES = 4;

/** Seconds a trunk is asked to wait before retrying while the state store is unavailable. */
export const STORE_UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/**
 * Trunk ingress: an INVITE must come from a trunk (address allow-list or digest) and go to a
 * number (DID) that routes to a queue, its offer must stay within the m-line limit and the trunk
 * within its call rate and calls in progress; otherwise it is refused with the status of SIP_OUTCOMES.
 */
export function installIngress(options: IngressOptions): void {
  const byNumber = new Map(options.numbers.map((n) => [n.number, n]));
  const maxMediaLines = options.maxMediaLines ?? DEFAULT_MAX_MEDIA_LINES;
  const limiter = options.callLimiter;
  if (limiter) onUasDialogEnd(options.srf, (callId) => limiter.release(callId));
  options.srf.invite((req, res) => {
    const number = dialledNumber(req.uri);
    if ((number === undefined || !byNumber.has(number)) && options.operatorCall?.(req, res)) return;
    const auth = options.trunks.check('INVITE', req.source_address, req.get('Authorization'), req.uri);
    if (auth.result === 'challenge') {
      res.send(401, { headers: { 'WWW-Authenticate': auth.challenges.join(', ') } });
      return;
    }
    if (auth.result === 'forbidden') return refuse(res, 'source-not-allowed', options, req);
    if (options.draining?.()) return refuse(res, 'draining', options, req, { 'Retry-After': String(DRAINING_RETRY_AFTER_SECONDS) });
    const route = number === undefined ? undefined : byNumber.get(number);
    if (!route) return refuse(res, 'unknown-number', options, req);
    if (options.storeUnavailable?.()) {
      return refuse(res, 'store-unavailable', options, req, { 'Retry-After': String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS) });
    }
    if (countMediaLines(req.body) > maxMediaLines) {
      options.onLimit?.('media-lines');
      return refuse(res, 'too-many-media-lines', options, req);
    }
    if (limiter) {
      const callId = req.get('Call-ID');
      const admission = limiter.admit(auth.trunkId, callId);
      if (!admission.admitted) {
        options.onLimit?.(admission.limit);
        const outcome = admission.limit === 'trunk-calls-per-second' ? 'trunk-rate-limited' : 'trunk-busy';
        return refuse(res, outcome, options, req, { 'Retry-After': String(admission.retryAfterSeconds) });
      }
      // in progress until a final answer other than 2xx, a CANCEL (the engine answers 487 itself),
      // or (answered) until its dialog ends
      (res as unknown as NodeJS.EventEmitter).once('end', (final: { status?: number }) => {
        if ((final.status ?? 0) >= 300) limiter.release(callId);
        else limiter.answered(callId);
      });
      req.on('cancel', () => limiter.release(callId));
    }
    options.onCall({ req, res, trunkId: auth.trunkId, number: route.number, queue: route.queue, caller: callerOf(req) });
  });
}

export function refuse(
  res: Srf.SrfResponse, outcome: SipOutcome, options?: Pick<IngressOptions, 'log' | 'logLimiter'>, req?: Srf.SrfRequest, headers: Record<string, string> = {},
): void {
  const { status, reason } = SIP_OUTCOMES[outcome];
  const from = req?.source_address;
  const admitted = options?.logLimiter ? options.logLimiter.admit(`refused:${outcome}:${from}`) : {};
  if (admitted) options?.log?.info({ outcome, status, callId: req?.get('Call-ID'), from, ...admitted }, 'call refused');
  res.send(status, reason, { headers });
}

/** The m-lines of an SDP body (0 without a body). */
export function countMediaLines(body: unknown): number {
  if (typeof body !== 'string' || body.length === 0) return 0;
  return body.match(/^m=/gm)?.length ?? 0;
}

/** The user part of the Request-URI: the number dialled. */
export function dialledNumber(uri: string): string | undefined {
  return /^sips?:([^@;?]+)@/.exec(uri)?.[1];
}

function callerOf(req: Srf.SrfRequest): string {
  const from = req.get('P-Asserted-Identity') ?? req.get('From') ?? '';
  return /sips?:([^@;>]+)@/.exec(from)?.[1] ?? /tel:([^;>]+)/.exec(from)?.[1] ?? 'anonymous';
}
