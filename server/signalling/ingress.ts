import type Srf from 'drachtio-srf';
import type { TrunkAuth } from './trunk-auth';
import { SIP_OUTCOMES, type SipOutcome } from './sip-outcomes';

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
  /** Takes an INVITE placed by an operator's device (not to a number); true when it did. */
  operatorCall?: (req: Srf.SrfRequest, res: Srf.SrfResponse) => boolean;
}

/** Seconds a trunk is asked to wait before retrying a server that drains (another instance takes the call meanwhile). */
export const DRAINING_RETRY_AFTER_SECONDS = 30;

/**
 * Trunk ingress: an INVITE must come from a trunk (address allow-list or digest) and go to a
 * number (DID) that routes to a queue; otherwise it is refused with the status of SIP_OUTCOMES.
 */
export function installIngress(options: IngressOptions): void {
  const byNumber = new Map(options.numbers.map((n) => [n.number, n]));
  options.srf.invite((req, res) => {
    const number = dialledNumber(req.uri);
    if ((number === undefined || !byNumber.has(number)) && options.operatorCall?.(req, res)) return;
    const auth = options.trunks.check('INVITE', req.source_address, req.get('Authorization'));
    if (auth.result === 'challenge') {
      res.send(401, { headers: { 'WWW-Authenticate': auth.challenges.join(', ') } });
      return;
    }
    if (auth.result === 'forbidden') return refuse(res, 'source-not-allowed', options, req);
    if (options.draining?.()) return refuse(res, 'draining', options, req, { 'Retry-After': String(DRAINING_RETRY_AFTER_SECONDS) });
    const route = number === undefined ? undefined : byNumber.get(number);
    if (!route) return refuse(res, 'unknown-number', options, req);
    options.onCall({ req, res, trunkId: auth.trunkId, number: route.number, queue: route.queue, caller: callerOf(req) });
  });
}

export function refuse(res: Srf.SrfResponse, outcome: SipOutcome, options?: Pick<IngressOptions, 'log'>, req?: Srf.SrfRequest, headers: Record<string, string> = {}): void {
  const { status, reason } = SIP_OUTCOMES[outcome];
  options?.log?.info({ outcome, status, callId: req?.get('Call-ID'), from: req?.source_address }, 'call refused');
  res.send(status, reason, { headers });
}

/** The user part of the Request-URI: the number dialled. */
export function dialledNumber(uri: string): string | undefined {
  return /^sips?:([^@;?]+)@/.exec(uri)?.[1];
}

function callerOf(req: Srf.SrfRequest): string {
  const from = req.get('P-Asserted-Identity') ?? req.get('From') ?? '';
  return /sips?:([^@;>]+)@/.exec(from)?.[1] ?? /tel:([^;>]+)/.exec(from)?.[1] ?? 'anonymous';
}
