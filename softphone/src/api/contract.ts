import { SoftphoneError } from '../errors';

/** The HTTP/SSE contract between the softphone and the Switchboard server (see softphone/README.md). */

export type OperatorStatus = 'offline' | 'available' | 'paused' | 'reserved' | 'ringing' | 'on-call' | 'wrap-up';

/** Statuses the operator picks; the others are set by the server as calls come and go. */
export type SelectableStatus = 'available' | 'paused' | 'offline';

export interface OperatorState {
  status: OperatorStatus;
  reason?: string;
  /** ISO 8601 timestamp (or epoch milliseconds) of the last change. */
  since: string | number;
  /** In wrap-up: milliseconds until it ends, counted from when the server sent this (no clock skew). */
  wrapUpLeftMs?: number;
}

/** A reason the operator may pause with (`desk.pauseReasons` on the server). */
export interface PauseReason {
  id: string;
  label: string;
}

export interface SipAccount {
  uri: string;
  authorizationUsername: string;
  authorizationPassword: string;
  wsServer: string;
  /** Optional; without it the page uses no STUN/TURN servers (the media relay is reachable directly). */
  iceServers?: RTCIceServer[];
}

export interface LoginResult {
  token: string;
  operator: { id: string; name: string };
  sip: SipAccount;
}

export interface OperatorInfo {
  id: string;
  name: string;
  state: OperatorState;
  dispositions: string[];
  /** The only reasons the server takes for a pause; empty when it sent none. */
  pauseReasons: PauseReason[];
  /** What one Extend adds to a wrap-up, and the most a wrap-up may last. */
  wrapUp: { extendSeconds: number; maxTotalSeconds: number } | undefined;
}

/** The answer to `POST /api/operators/me/wrap-up/extend`. */
export interface ExtendResult {
  state: OperatorState;
  extendedSeconds: number;
}

export type StatusRequest = { status: 'available' } | { status: 'paused'; reason: string } | { status: 'offline' };

export interface WrapUpRequest {
  disposition: string;
  notes?: string;
}

export type CallPhase = 'offered' | 'answered' | 'held' | 'resumed' | 'transferred' | 'dtmf' | 'ended';

export interface CallNotice {
  callId: string;
  phase: CallPhase;
  queue: string;
  caller: string;
  waitSeconds: number;
  /** The digit the caller pressed (phase `dtmf`). */
  digit?: string;
}

/** Whom a call can be handed to: the `target` goes into the REFER's Refer-To. */
export interface TransferTargets {
  operators: Array<{ id: string; name: string; target: string; state: string }>;
  queues: Array<{ id: string; target: string; waiting: number }>;
}

/** An HTTP call failed: the server's `{ error: { code, message } }`, or a transport problem. */
export class ApiError extends SoftphoneError {
  constructor(code: string, message: string, readonly status: number, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'ApiError';
  }
}

const STATUSES: readonly string[] = ['offline', 'available', 'paused', 'reserved', 'ringing', 'on-call', 'wrap-up'];
const PHASES: readonly string[] = ['offered', 'answered', 'held', 'resumed', 'transferred', 'dtmf', 'ended'];

type Obj = Record<string, unknown>;

function bad(what: string): never {
  throw new ApiError('ERR_BAD_RESPONSE', `unexpected response from the server: ${what}`, 0);
}
function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) bad(`${what} is not an object`);
  return v as Obj;
}
function str(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') bad(`${what}.${key} is not a string`);
  return v;
}

export function parseOperatorState(v: unknown, what = 'state'): OperatorState {
  const o = obj(v, what);
  const status = str(o, 'status', what);
  if (!STATUSES.includes(status)) bad(`${what}.status "${status}" is unknown`);
  const since = typeof o.since === 'number' ? o.since : typeof o.since === 'string' ? o.since : bad(`${what}.since is missing`);
  const state: OperatorState = { status: status as OperatorStatus, since };
  if (typeof o.reason === 'string') state.reason = o.reason;
  if (status === 'wrap-up' && typeof o.wrapUpLeftMs === 'number' && Number.isFinite(o.wrapUpLeftMs)) state.wrapUpLeftMs = Math.max(0, o.wrapUpLeftMs);
  return state;
}

export function parseLoginResult(v: unknown): LoginResult {
  const o = obj(v, 'login');
  const op = obj(o.operator, 'operator');
  const sip = obj(o.sip, 'sip');
  const account: SipAccount = {
    uri: str(sip, 'uri', 'sip'),
    authorizationUsername: str(sip, 'authorizationUsername', 'sip'),
    authorizationPassword: str(sip, 'authorizationPassword', 'sip'),
    wsServer: str(sip, 'wsServer', 'sip'),
  };
  if (Array.isArray(sip.iceServers)) account.iceServers = sip.iceServers as RTCIceServer[];
  return { token: str(o, 'token', 'login'), operator: { id: str(op, 'id', 'operator'), name: str(op, 'name', 'operator') }, sip: account };
}

export function parseOperatorInfo(v: unknown): OperatorInfo {
  const o = obj(v, 'operator');
  const dispositions = Array.isArray(o.dispositions) ? o.dispositions.filter((d): d is string => typeof d === 'string') : [];
  const pauseReasons = Array.isArray(o.pauseReasons)
    ? o.pauseReasons.flatMap((r) => {
      const x = obj(r, 'pause reason');
      return typeof x.id === 'string' && x.id !== '' ? [{ id: x.id, label: typeof x.label === 'string' && x.label !== '' ? x.label : x.id }] : [];
    })
    : [];
  const w = typeof o.wrapUp === 'object' && o.wrapUp !== null ? (o.wrapUp as Obj) : undefined;
  const wrapUp = w && typeof w.extendSeconds === 'number' && typeof w.maxTotalSeconds === 'number'
    ? { extendSeconds: w.extendSeconds, maxTotalSeconds: w.maxTotalSeconds }
    : undefined;
  return { id: str(o, 'id', 'operator'), name: str(o, 'name', 'operator'), state: parseOperatorState(o.state), dispositions, pauseReasons, wrapUp };
}

export function parseExtendResult(v: unknown): ExtendResult {
  const o = obj(v, 'response');
  const seconds = typeof o.extendedSeconds === 'number' ? o.extendedSeconds : bad('response.extendedSeconds is not a number');
  return { state: parseOperatorState(o.state), extendedSeconds: seconds };
}

export function parseStateResponse(v: unknown): OperatorState {
  return parseOperatorState(obj(v, 'response').state);
}

export function parseCallNotice(v: unknown): CallNotice {
  const o = obj(v, 'call');
  const phase = str(o, 'phase', 'call');
  if (!PHASES.includes(phase)) bad(`call.phase "${phase}" is unknown`);
  const wait = typeof o.waitSeconds === 'number' && Number.isFinite(o.waitSeconds) ? o.waitSeconds : 0;
  return {
    callId: str(o, 'callId', 'call'),
    phase: phase as CallPhase,
    queue: typeof o.queue === 'string' ? o.queue : '',
    caller: typeof o.caller === 'string' ? o.caller : '',
    waitSeconds: wait,
    ...(typeof o.digit === 'string' && /^[0-9A-D*#]$/.test(o.digit) ? { digit: o.digit } : {}),
  };
}

export function parseTransferTargets(v: unknown): TransferTargets {
  const o = obj(v, 'transfer targets');
  const list = (key: string) => (Array.isArray(o[key]) ? (o[key] as unknown[]) : bad(`transfer targets.${key} is not a list`));
  return {
    operators: list('operators').map((x) => {
      const op = obj(x, 'operator');
      return { id: str(op, 'id', 'operator'), name: str(op, 'name', 'operator'), target: str(op, 'target', 'operator'), state: str(op, 'state', 'operator') };
    }),
    queues: list('queues').map((x) => {
      const q = obj(x, 'queue');
      return { id: str(q, 'id', 'queue'), target: str(q, 'target', 'queue'), waiting: typeof q.waiting === 'number' ? q.waiting : 0 };
    }),
  };
}

/** A customer as the card shows it (`GET /api/customers/lookup`, `POST/PATCH /api/customers`). */
export interface Customer {
  id: string;
  phones: string[];
  name: string;
  company: string;
  notes: string;
  tags: string[];
}

/** A past call on a customer card. */
export interface CardCall {
  callId: string;
  /** ISO 8601. */
  arrivedAt: string;
  queue: string;
  operatorId: string;
  outcome: string;
  disposition: string;
  notes: string;
}

/** The screen-pop: the customer owning a number (null for a new caller) and their last calls. */
export interface CustomerCard {
  customer: Customer | null;
  lastCalls: CardCall[];
}

/** What the operator types into the customer form. */
export interface CustomerFields {
  name: string;
  company: string;
  notes: string;
}

const text = (o: Obj, key: string): string => (typeof o[key] === 'string' ? o[key] : '');
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function parseCustomer(v: unknown): Customer {
  const o = obj(v, 'customer');
  return {
    id: str(o, 'id', 'customer'), phones: strings(o.phones), name: text(o, 'name'), company: text(o, 'company'),
    notes: text(o, 'notes'), tags: strings(o.tags),
  };
}

export function parseCustomerCard(v: unknown): CustomerCard {
  const o = obj(v, 'customer card');
  if (!Array.isArray(o.lastCalls)) bad('customer card.lastCalls is not a list');
  return {
    customer: o.customer === null || o.customer === undefined ? null : parseCustomer(o.customer),
    lastCalls: o.lastCalls.map((x) => {
      const c = obj(x, 'call');
      return {
        callId: str(c, 'callId', 'call'), arrivedAt: text(c, 'arrivedAt'), queue: text(c, 'queue'), operatorId: text(c, 'operatorId'),
        outcome: text(c, 'outcome'), disposition: text(c, 'disposition'), notes: text(c, 'notes'),
      };
    }),
  };
}
