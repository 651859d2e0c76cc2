import type { EventEmitter } from 'node:events';
import Srf from 'drachtio-srf';
import type { Config } from '../../config';
import type { BindingStore } from '../store/bindings/binding-store';
import { digestPolicy, StaticCredentials } from './auth/credentials';
import { DigestAuthenticator } from './auth/digest';
import { FailureLimiter } from './auth/failure-limiter';
import { installIngress, refuse, type TrunkCall } from './ingress';
import { operatorCall } from './call-legs';
import type { OperatorCall } from '../calls/ports';
import type { LimitListener } from './limits';
import { LogLimiter } from './log-limiter';
import { OperatorAuth } from './operator-auth';
import { Registrar, type BindingRemovalReason } from './registrar';
import { BindingKeepAlive } from './binding-keepalive';
import type { DialogKeepAliveOptions } from './dialog-keepalive';
import { TrunkAuth } from './trunk-auth';
import { TrunkCallLimiter } from './trunk-call-limiter';

export interface SignallingLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface SignallingOptions {
  config: Config;
  /** The drachtio admin socket to connect to (the embedded engine's, or a drachtio-server's). */
  drachtio: { host: string; port: number; secret: string };
  bindings: BindingStore;
  onCall: (call: TrunkCall) => void;
  /** Takes a call placed by an operator's device (a consultation); without it such INVITEs get 480. */
  onOperatorCall?: (call: OperatorCall) => void;
  /** True while the server drains: the ingress refuses new calls (503, `Retry-After`). */
  draining?: () => boolean;
  /** True while the state store is known to be unavailable: the ingress refuses new calls (503, `Retry-After`). */
  storeUnavailable?: () => boolean;
  /** Told of every tripped input limit (`switchboard_limit_trips_total{limit}`: pass `metrics.limitTripped`). */
  onLimit?: LimitListener;
  /** Told of bindings removed before they expired (`switchboard_bindings_removed_total{reason}`). */
  onBindingsRemoved?: (reason: BindingRemovalReason, count: number) => void;
  /** Set when the SIP engine runs in this process: bindings over its connections belong to this instance. */
  instanceId?: string;
  /**
   * `wait` (default): start-up waits for the engine's admin socket and fails when it cannot connect.
   * `background`: start-up goes on at once while drachtio-srf retries with backoff (up to
   * `ENGINE_RETRY_MAX_DELAY_MS` apart), logging "waiting for drachtio-server at host:port"; for an
   * external drachtio-server that may come up after us (readiness says `sip` is down meanwhile).
   */
  connect?: 'wait' | 'background';
  log: SignallingLogger;
}

/** Longest pause between two attempts to reach a drachtio-server that is not up. */
export const ENGINE_RETRY_MAX_DELAY_MS = 5000;

export interface Signalling {
  srf: Srf;
  registrar: Registrar;
  operatorAuth: OperatorAuth;
  /** Probes of connection bindings (`sip.keepAlive`); undefined when off. */
  keepAlive: BindingKeepAlive | undefined;
  /** How operators' answered calls are probed in their dialogs; undefined when keep-alive is off. */
  dialogKeepAlive: DialogKeepAliveOptions | undefined;
  close(): void;
}

/** The drachtio-srf application: connects to the SIP engine, serves the registrar and trunk ingress. */
export async function startSignalling(o: SignallingOptions): Promise<Signalling> {
  const { config } = o;
  const credentials = new StaticCredentials(config.sip.realm);
  for (const op of config.operators) {
    const policy = op.sip.digest ? digestPolicy(op.sip.digest) : undefined;
    if (op.sip.password !== undefined) credentials.addPassword(op.sip.username, op.sip.password, policy);
    else if (op.sip.ha1) {
      credentials.addHa1(op.sip.username, {
        ...(op.sip.ha1.md5 !== undefined ? { MD5: op.sip.ha1.md5 } : {}), ...(op.sip.ha1.sha256 !== undefined ? { 'SHA-256': op.sip.ha1.sha256 } : {}),
      }, policy);
    }
  }
  const operatorBySipUser = new Map(config.operators.map((op) => [op.sip.username, op.id]));
  const srf = new Srf();
  if (o.connect === 'background') connectInBackground(srf, o);
  else {
    await new Promise<void>((resolve, reject) => {
      srf.connect({ host: o.drachtio.host, port: o.drachtio.port, secret: o.drachtio.secret });
      srf.once('connect', (err: Error | null) => (err ? reject(err) : resolve()));
      srf.once('error', reject);
    });
  }
  // bad input from one source is logged a few times a minute, then counted
  const logLimiter = new LogLimiter({ perMinute: config.logging.badInputPerMinute });
  const operatorAuth = new OperatorAuth({
    digest: new DigestAuthenticator(credentials, { realm: config.sip.realm, algorithms: digestPolicy(config.sip.digest) }),
    limiter: new FailureLimiter(config.sip.authLimiter),
    onFailure: (f) => {
      const admitted = logLimiter.admit(`auth:${f.address}`);
      if (admitted) o.log.warn({ address: f.address, username: f.username, reason: f.reason, blocked: f.blocked, ...admitted }, 'authentication failed');
    },
  });
  const limits = config.sip.limits;
  const registrar = new Registrar({
    srf, bindings: o.bindings, auth: operatorAuth, ...config.sip.registrar, log: o.log,
    maxContactsPerRegister: limits.maxContactsPerRegister, maxBindingsPerOperator: limits.maxBindingsPerOperator,
    ...(o.onLimit ? { onLimit: o.onLimit } : {}),
    ...(o.onBindingsRemoved ? { onRemoved: o.onBindingsRemoved } : {}),
    ...(o.instanceId !== undefined ? { instanceId: o.instanceId } : {}),
  });
  // without flow notices (drachtio-server) a closed connection is found by probing the devices over it
  const ka = config.sip.keepAlive;
  const probing = ka.mode === 'on' || (ka.mode === 'auto' && config.sip.engine.mode === 'drachtio');
  const sipUsers = config.operators.map((op) => op.sip.username);
  const keepAlive = probing
    ? new BindingKeepAlive({
      srf, registrar, aors: () => sipUsers, intervalMs: ka.intervalMs, timeoutMs: ka.timeoutMs, maxInFlight: ka.maxInFlight, log: o.log,
      ...(o.onLimit ? { onLimit: o.onLimit } : {}),
    })
    : undefined;
  keepAlive?.start();
  const trunkLimits = new Map(config.trunks.map((t) => [t.id, { maxCallsPerSecond: t.maxCallsPerSecond, maxConcurrentCalls: t.maxConcurrentCalls }]));
  installIngress({
    srf,
    trunks: new TrunkAuth(config.trunks, config.sip.realm),
    numbers: config.numbers,
    onCall: o.onCall,
    log: o.log,
    operatorCall: (req, res) => {
      // an INVITE from one of our operators' SIP users (not to a number): digest-authenticated, then the calls layer's
      const fromUser = /sips?:([^@;>]+)@/.exec(req.get('From') ?? '')?.[1];
      const operatorId = fromUser === undefined ? undefined : operatorBySipUser.get(fromUser);
      if (operatorId === undefined) return false;
      const user = operatorAuth.check(req, res);
      if (user === undefined) return true;
      if (user !== fromUser) {
        refuse(res, 'source-not-allowed', { log: o.log }, req);
        return true;
      }
      if (!o.onOperatorCall) refuse(res, 'no-route', { log: o.log }, req);
      else o.onOperatorCall(operatorCall(srf, req, res, operatorId, o.log));
      return true;
    },
    maxMediaLines: limits.maxMediaLines,
    callLimiter: new TrunkCallLimiter((trunkId) => trunkLimits.get(trunkId)!),
    logLimiter,
    ...(o.onLimit ? { onLimit: o.onLimit } : {}),
    ...(o.draining ? { draining: o.draining } : {}),
    ...(o.storeUnavailable ? { storeUnavailable: o.storeUnavailable } : {}),
  });
  return {
    srf, registrar, operatorAuth, keepAlive,
    dialogKeepAlive: probing ? { intervalMs: ka.intervalMs, timeoutMs: ka.timeoutMs } : undefined,
    close: () => {
      keepAlive?.close();
      try {
        srf.disconnect();
      } catch {
        // already disconnected
      }
    },
  };
}

/**
 * Connects without waiting: drachtio-srf retries a refused or lost admin connection with backoff on
 * its own (an `error` listener must exist, or the error is thrown). Each attempt is logged.
 */
function connectInBackground(srf: Srf, o: SignallingOptions): void {
  const where = `${o.drachtio.host}:${o.drachtio.port}`;
  const events = srf as unknown as EventEmitter; // the typings list only the SIP methods
  let connected = false;
  let lastError = '';
  events.on('error', (err: Error) => {
    lastError = err.message;
    if (connected) o.log.warn({ err: err.message }, `lost the connection to drachtio-server at ${where}`);
    connected = false;
  });
  events.on('reconnecting', (r: { delay: number; attempt: number }) => {
    o.log.warn({ attempt: r.attempt, retryInMs: r.delay, lastError }, `waiting for drachtio-server at ${where}`);
  });
  events.on('connect', (err: Error | null) => {
    if (err) {
      o.log.warn({ err: err.message }, `drachtio-server at ${where} refused us (sip.engine.secret?)`);
      return;
    }
    connected = true;
    o.log.info({}, `connected to drachtio-server at ${where}`);
  });
  o.log.info({}, `waiting for drachtio-server at ${where}`);
  srf.connect({
    host: o.drachtio.host, port: o.drachtio.port, secret: o.drachtio.secret,
    reconnect: { retryMaxDelay: ENGINE_RETRY_MAX_DELAY_MS },
  } as Parameters<Srf['connect']>[0]);
}
