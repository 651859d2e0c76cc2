/**
 * What the http layer needs from the rest of the server, as small interfaces: the real
 * implementations plug in from main.ts, tests pass in-memory ones that implement the same shapes.
 * Times are epoch milliseconds here; the API answers with ISO 8601 strings.
 */
import type { Session, SessionPersistence } from './sessions';
import type { ScriptBook } from './script-book';
import type { RecordStore } from '../records/record-store';
import type { Acd } from '../routing';

/** The pino-like logger the http layer writes to (optional). */
export interface HttpLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The routing facade as the http layer drives it: the real `Acd` satisfies it. */
export type AcdFacade = Pick<Acd, 'operatorLogin' | 'setAvailable' | 'pause' | 'logout' | 'endWrapUp' | 'extendWrapUp' | 'snapshot' | 'report' | 'on' | 'off'
  | 'moveCall' | 'assignCall' | 'setPriority'>;

/** One operator who may sign in to the softphone. */
export interface OperatorAccount {
  /** The routing id (`operators[].id`). */
  id: string;
  name: string;
  /** SIP user part; also the sign-in username. */
  sipUsername: string;
  /** Checks a password against the configured SIP password (or its HA1), timing-safe. */
  verifyPassword(password: string): boolean;
  /** What the API lets them read (`operators[].role`); absent: `operator`. */
  role?: Role;
  /** The queues they belong to: a supervisor reads these queues' records and reports. */
  queues?: readonly string[];
}

export type Role = 'operator' | 'supervisor' | 'admin';

/** A pause reason operators pick from (`desk.pauseReasons`). */
export interface PauseReason {
  id: string;
  label: string;
}

/** What the softphone offers every operator (`desk` in config). */
export interface DeskSettings {
  /** The only reasons `PUT /api/operators/me/status` takes for a pause. */
  pauseReasons: readonly PauseReason[];
  /** One Extend adds `extendMs`; a wrap-up never grows beyond `maxTotalMs` from its start. */
  wrapUp: { extendMs: number; maxTotalMs: number };
}

/** The operators who may sign in, what the softphone needs to register over SIP, and what it offers them. */
export interface OperatorDirectory {
  byUsername(username: string): OperatorAccount | undefined;
  byId(id: string): OperatorAccount | undefined;
  desk: DeskSettings;
  sip: {
    realm: string;
    /** WebSocket URL of the SIP listener as the browser reaches it (`ws://…` or `wss://…`). */
    wsServer: string;
    /** Optional STUN/TURN servers for the page (`RTCIceServer` objects). */
    iceServers?: Array<{ urls: string | string[]; username?: string; credential?: string }>;
    /** Per sign-in ICE servers (`webrtc.iceServers`, TURN credentials made for the operator); used instead of `iceServers`. */
    iceServersFor?(operatorId: string): Array<{ urls: string | string[]; username?: string; credential?: string }>;
  };
}

// The calls layer's types, as the API serves them.
export type { LiveCallView } from '../calls/call';
export { CALL_OUTCOMES, type CallOutcome, type CallRecord, type CallRecordFilter as CdrFilter } from '../calls/call-record';
import type { LiveCallView } from '../calls/call';
import type { CallRecord, CallRecordFilter as CdrFilter } from '../calls/call-record';
export type LiveCallState = LiveCallView['state'];

/** The calls in progress. */
export interface LiveCalls {
  live(): LiveCallView[];
  /** Makes the operator's consultation a conference (absent: conferences are not available). */
  conference?(operatorId: string): Promise<'ok' | 'not-talking' | 'no-consultation' | 'unavailable'>;
}

/** Finished calls; `query` answers newest first (by `arrivedAt`). */
export interface CdrStore {
  query(filter: CdrFilter): Promise<CallRecord[]>;
}

/** Where wrap-up dispositions go: stored with the operator's call record. */
export interface DispositionSink {
  /** The codes the operator picks from (shown by the softphone); empty accepts any code. */
  codes: readonly string[];
  record(callId: string, operatorId: string, disposition: string, notes?: string): Promise<void> | void;
}

/** An operator's state changed (the local acd's own changes are also taken from it directly). */
export interface OperatorStateNotice {
  operatorId: string;
  status: string;
  reason?: string;
  /** Epoch ms. */
  since: number;
  /** Epoch ms: when the wrap-up ends (status `wrap-up`). */
  wrapUpEndsAt?: number;
}

export type CallPhase = 'offered' | 'answered' | 'held' | 'resumed' | 'transferred' | 'dtmf' | 'ended';

/** A call was offered to, answered by or ended for an operator. */
export interface CallNotice {
  callId: string;
  operatorId?: string;
  phase: CallPhase;
  queue: string;
  caller: string;
  waitSeconds: number;
  /** The digit the caller sent (phase `dtmf`). */
  digit?: string;
}

export interface ServerEvents {
  'operator-state': OperatorStateNotice;
  call: CallNotice;
}

/** The events the server raises for the event stream (`ServerEventBus` is one). */
export interface ServerEventSource {
  on<K extends keyof ServerEvents>(name: K, listener: (payload: ServerEvents[K]) => void): unknown;
  off<K extends keyof ServerEvents>(name: K, listener: (payload: ServerEvents[K]) => void): unknown;
}

/** One part of the server as readiness reports it. */
export type ReadinessPartState = 'up' | 'degraded' | 'down';

/** Whether the server can take calls: every part it needs is up (`server/ops/readiness.ts` builds one). */
export interface ReadinessSource {
  /** `draining`: the server shuts down and takes no new calls. */
  check(): Promise<{ ready: boolean; draining?: boolean; parts: Record<string, ReadinessPartState> }>;
}

/** Prometheus-style metrics, rendered at scrape time (`server/ops/metrics.ts` builds one). */
export interface MetricsSource {
  contentType: string;
  render(): Promise<string>;
}

/** The record store as the API reads it (server/records), with the report settings from config. */
export interface RecordsHttpDeps {
  store: Pick<RecordStore,
    'queryCalls' | 'getCall' | 'queueReport' | 'operatorReport' | 'shiftReport' | 'findCustomerByPhone' | 'getCustomer' |
    'createCustomer' | 'updateCustomer' | 'deleteCustomer' | 'searchCustomers' | 'querySupervisorActions'>;
  /** `records.timeZone`. */
  timeZone: string;
  /** `records.shortAbandonSeconds`. */
  shortAbandonSeconds: number;
  /** Each queue's service level threshold in seconds (`queues[].serviceLevelMs` / 1000). */
  serviceLevelSeconds: Record<string, number>;
}

export interface HttpDeps {
  acd: AcdFacade;
  operators: OperatorDirectory;
  calls: LiveCalls;
  cdrs: CdrStore;
  dispositions: DispositionSink;
  events: ServerEventSource;
  /** Folder of the built softphone (`softphone/dist`), served at `/`. */
  softphoneDir: string;
  now: () => number;
  /** A fresh unguessable session token. */
  newToken: () => string;
  logger?: HttpLogger;
  /** Answers `/readyz`; without it the server is ready whenever it serves requests. */
  readiness?: ReadinessSource;
  /** Answers `/metrics`; without it `/metrics` is 404. */
  metrics?: MetricsSource;
  /** Told of every input limit the API trips (`switchboard_limit_trips_total{limit}`). */
  onLimit?: (limit: 'wrap-up-extension') => void;
  /** Call history, reports and customers (`/api/records/…`, `/api/reports/…`, `/api/customers…`); without it those are 404. */
  records?: RecordsHttpDeps;
  /** Each queue's service level threshold and target (`queues[]`), for the supervisor console; absent: 20 s and 0.8. */
  queueTargets?: ReadonlyArray<{ id: string; serviceLevelMs: number; serviceLevelTarget?: number }>;
  /** Where the supervisor console's actions are recorded with who did them; absent: the log only. */
  audit?: SupervisorAuditSink;
  /** Call scripts per queue (`desk.scripts`; admins change them with `PUT /api/scripts/:queue`). */
  scripts?: ScriptBook;
}

/** One action a supervisor (or admin) took from the console. */
export interface SupervisorAction {
  at: number;
  /** The supervisor's operator id. */
  by: string;
  action: 'operator-status' | 'move-call' | 'assign-call' | 'set-priority';
  operatorId?: string;
  /** The routing id of the waiting call. */
  callId?: string;
  queue?: string;
  details: Record<string, unknown>;
}

export interface SupervisorAuditSink {
  record(action: SupervisorAction): Promise<void>;
}

/** Tunables of the http layer; every field has a default. */
export interface HttpOptions {
  /** A session expires after this long without use (`http.sessionTtlMs`). Default 8 h. */
  sessionTtlMs?: number;
  /** Where sessions outlive the process (Redis, when it is the store), and the ones read from it at start. */
  sessionPersistence?: { store: SessionPersistence; initial: readonly Session[] };
  /** Sign-in failures from one address: at most `maxFailures` within `windowMs`, then 429 for `coolDownMs`. */
  loginLimit?: { maxFailures: number; windowMs: number; coolDownMs: number };
  /** Event-stream heartbeat period. Default 15 s. */
  heartbeatMs?: number;
  /** Offset of the site's day from UTC, for "today" in the queue report. Default 0. */
  utcOffsetMs?: number;
  /** express `trust proxy` (behind a reverse proxy the client address comes from X-Forwarded-For). Default false. */
  trustProxy?: boolean | number | string;
  /** When set, `GET /metrics` wants `Authorization: Bearer <metricsToken>` (`ops.metricsToken`); else it is open. */
  metricsToken?: string;
}
