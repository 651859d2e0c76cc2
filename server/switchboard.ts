/**
 * The composition root: builds every part of Switchboard from one configuration and owns the order
 * in which they start and stop. `server/main.ts` (the process) and the end-to-end tests use it.
 *
 * Start: SIP engine (worker thread, unless a drachtio-server is configured) → media relay → store
 * (memory or Redis) → routing core → signalling (drachtio-srf app) → call center → HTTP.
 * Stop: HTTP → call center (hangs up what is left) → signalling → media → store → engine, each part
 * with a bounded time to close, so a part that is gone (Redis down) cannot hold the exit.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import * as path from 'node:path';
import { createClient } from 'redis';
import { codecPolicyFor, type Config } from '../config';
import { mediaAssetPath, startMediaRelay, type RunningMediaRelay } from '../media';
import { ConferenceMixer } from '../media/mixer';
import { parseContact, startEngineWorker, type EngineWorker, type ListenSpec } from './sip-engine';
import { engineSourceLimits } from './engine-source-limits';
import { startSignalling, type Signalling } from './signalling/signalling';
import { SrfOperatorDialer, inboundCall } from './signalling/call-legs';
import { SrfTrunkDialer } from './signalling/trunk-dialer';
import { MemoryBindingStore } from './store/bindings/memory-binding-store';
import { RedisBindingStore } from './store/bindings/redis-binding-store';
import type { BindingStore } from './store/bindings/binding-store';
import { MemoryAcdStore } from './store/memory-store';
import { RedisAcdStore } from './store/redis-store';
import { Acd, type AcdStore } from './routing';
import { CallCenter } from './calls/call-center';
import { isEnded, type CallRecordStore } from './calls/call-record';
import { openRecords, type Records } from './records/open-records';
import { iceCandidateFilter } from './calls/ice-filter';
import { routingConfig } from './calls/direct-queues';
import { RelayRecovery } from './calls/relay-recovery';
import { withRetriedReports } from './calls/routing-reports';
import { RedisSessionStore, type StoredSession } from './store/sessions/redis-session-store';
import { createApp, createOperatorDirectory, ServerEventBus } from './http';
import { iceServersFor } from './http/ice-servers';
import { ScriptBook } from './http/script-book';
import { listenSecurely, readHttpTls } from './http/https-server';
import { createReadiness } from './ops/readiness';
import { meteredRecords, ServerMetrics } from './ops/metrics';
import { CodecMetrics } from './ops/codec-metrics';
import { portClashMessage } from './ops/port-clash';
import { InstanceRecovery } from './ops/instance-recovery';

/** Time each part gets to close at shutdown. */
const CLOSE_TIMEOUT_MS = 5000;

export interface SwitchboardLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  fatal?(obj: object, msg?: string): void;
  child(bindings: object): SwitchboardLogger;
}

export interface SwitchboardOverrides {
  log?: SwitchboardLogger;
  /** This instance's id in the stores: stable across restarts (default: `instance.id`, else the host name). */
  instanceId?: string;
  /** Period of the routing core's timers (default 1 s). */
  tickMs?: number;
  /** Where call records go (default: the record store of `config.records`, PGlite or PostgreSQL). */
  records?: CallRecordStore;
  /** Folder of the built softphone (default: softphone/dist next to the build). */
  softphoneDir?: string;
  now?: () => number;
}

/** A running Switchboard: its parts (for tests and the process) and its shutdown. */
export interface Switchboard {
  config: Config;
  acd: Acd;
  center: CallCenter;
  signalling: Signalling;
  media: RunningMediaRelay;
  engine: EngineWorker | undefined;
  records: CallRecordStore;
  metrics: ServerMetrics;
  http: Server;
  /** `host:port` of each SIP listener, e.g. `udp 127.0.0.1:5060`. */
  sipListening: Array<{ protocol: string; address: string; port: number }>;
  httpPort: number;
  /** True once `drain` began: new calls are refused with 503. */
  readonly draining: boolean;
  /** Refuses new calls and waits (up to `timeoutMs`) for the calls in progress to end. */
  drain(timeoutMs: number): Promise<void>;
  /** Stops every part in order. Idempotent. */
  stop(): Promise<void>;
}

/** Thrown when a part cannot start; names the part (`sip`, `media`, `store`, `http`). */
export class StartupError extends Error {
  override readonly name = 'StartupError';
  readonly code = 'ERR_STARTUP';
  constructor(readonly part: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const silent: SwitchboardLogger = {
  info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => silent,
};

function listenSpecs(config: Config): ListenSpec[] {
  const sipTls = config.sip.tls;
  const specs = config.sip.listen.flatMap(parseContact).map((spec) => (spec.protocol === 'tls' && sipTls ? { ...spec, tls: sipTls } : spec));
  const ws = config.sip.ws;
  const tls = ws.tls?.cert && ws.tls.key ? { cert: ws.tls.cert, key: ws.tls.key } : undefined;
  specs.push({ protocol: tls ? 'wss' : 'ws', address: ws.address, port: ws.port, ...(tls ? { tls } : {}) });
  return specs;
}

/** Runs `close` with a time limit; a failure or a time-out is logged, never thrown. */
async function closePart(log: SwitchboardLogger, part: string, close: () => Promise<unknown> | unknown): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.resolve().then(close).catch((err: unknown) => log.warn({ err, part }, 'closing failed')),
    new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log.warn({ part }, 'closing timed out');
        resolve();
      }, CLOSE_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
}

export async function createSwitchboard(config: Config, overrides: SwitchboardOverrides = {}): Promise<Switchboard> {
  const log = overrides.log ?? silent;
  const now = overrides.now ?? Date.now;
  /** Stable across restarts of this instance: its calls left live by a crash are closed at the next start. */
  const instanceId = overrides.instanceId ?? config.instance.id ?? defaultInstanceId();
  const started: Array<{ part: string; close: () => Promise<unknown> | unknown }> = [];
  const unwind = async () => {
    for (const p of started.reverse()) await closePart(log, p.part, p.close);
  };
  try {
    return await build();
  } catch (err) {
    await unwind();
    throw err;
  }

  async function build(): Promise<Switchboard> {
    let engine: EngineWorker | undefined;
    let drachtio: { host: string; port: number; secret: string };
    if (config.sip.engine.mode === 'embedded') {
      const secret = config.sip.engine.secret ?? randomBytes(18).toString('base64url');
      try {
        engine = await startEngineWorker({
          listen: listenSpecs(config),
          sessionTimers: config.sip.sessionTimers,
          admin: { address: '127.0.0.1', port: config.sip.engine.port, secret },
          sourceLimits: engineSourceLimits(config),
          badInputLogsPerMinute: config.logging.badInputPerMinute,
          logLevel: config.logging.level,
          logger: log.child({ component: 'sip-engine' }),
        });
      } catch (err) {
        throw new StartupError('sip', portClashMessage(err, config) ?? `the SIP engine could not start: ${(err as Error).message}`, { cause: err });
      }
      const e = engine;
      started.push({ part: 'engine', close: () => e.close() });
      drachtio = { host: '127.0.0.1', port: engine.adminPort, secret };
    } else {
      drachtio = { host: config.sip.engine.host, port: config.sip.engine.port, secret: config.sip.engine.secret };
    }

    // history (opened before the media relay: loading the embedded database keeps this thread busy for a moment): call records, operator activity, customers (the calls layer writes through the buffered writer)
    let recordsDb: Records | undefined;
    if (!overrides.records) {
      try {
        recordsDb = await openRecords(config.records, { log: log.child({ component: 'records' }), instanceId, now });
      } catch (err) {
        throw new StartupError('records', `the record store could not open: ${(err as Error).message}`, { cause: err });
      }
      const db = recordsDb;
      started.push({ part: 'records', close: () => db.close() });
    }

    const mc = config.media;
    let media: RunningMediaRelay;
    try {
      media = await startMediaRelay({
        ...(mc.rtpengine.mode === 'external' ? { rtpengine: { host: mc.rtpengine.host, port: mc.rtpengine.port } } : {
          local: {
            portMin: mc.rtpengine.portMin, portMax: mc.rtpengine.portMax,
            ...(mc.rtpengine.ngPort ? { ngPort: mc.rtpengine.ngPort } : {}),
            ...(mc.recording.enabled ? { recordingDir: path.resolve(mc.recording.dir) } : {}),
          },
        }),
        recordCalls: mc.recording.enabled,
        sessionCheckIntervalMs: mc.sessionCheckMs,
        logger: log.child({ component: 'media' }),
      });
    } catch (err) {
      throw new StartupError('media', portClashMessage(err, config) ?? `the media relay could not start: ${(err as Error).message}`, { cause: err });
    }
    started.push({ part: 'media', close: () => media.close() });

    let store: AcdStore;
    let bindings: BindingStore = new MemoryBindingStore();
    let bindingsClient: ReturnType<typeof createClient> | undefined;
    try {
      store = config.redis ? await RedisAcdStore.connect({ url: config.redis.url, prefix: config.redis.prefix, commandTimeoutMs: config.redis.commandTimeoutMs }) : new MemoryAcdStore();
      started.push({ part: 'store', close: () => store.close() });
      if (config.redis) {
        const client = createClient({ url: config.redis.url, commandOptions: { timeout: config.redis.commandTimeoutMs } });
        client.on('error', (err) => log.warn({ err }, 'redis (bindings)'));
        await client.connect();
        bindingsClient = client;
        started.push({ part: 'bindings', close: () => client.quit() });
        bindings = new RedisBindingStore(client, config.redis.prefix, config.redis.commandTimeoutMs);
      }
    } catch (err) {
      throw new StartupError('store', `the store could not start: ${(err as Error).message}`, { cause: err });
    }

    const acd = new Acd({ store, now, newId: randomUUID, random: Math.random, logger: log.child({ component: 'routing' }), instanceId });
    await acd.configure(routingConfig(config));
    const metrics = new ServerMetrics({
      snapshot: () => acd.snapshot(), queues: config.queues.map((q) => q.id),
      ...(engine ? { sipMessages: () => engine.stats().then((s) => s.messages), engineLimits: () => engine.stats().then((s) => s.limits) } : {}),
      ...(recordsDb ? { recordWriter: () => recordsDb.writer.stats() } : {}),
    });
    // before calls and REGISTERs arrive: what a killed run of this instance left is released
    const recovery = new InstanceRecovery({
      instanceId, heartbeatMs: config.instance.heartbeatMs, ttlMs: config.instance.ttlMs, now,
      routing: acd, bindings, log: log.child({ component: 'recovery' }),
      ...(recordsDb ? { records: recordsDb.store } : {}),
      onRecovered: ({ calls, operators }) => {
        metrics.recovered('call-interrupted', calls);
        metrics.recovered('operator-released', operators);
      },
    });
    try {
      await recovery.start();
    } catch (err) {
      throw new StartupError('store', `the store could not start: instance recovery failed: ${(err as Error).message}`, { cause: err });
    }
    started.push({ part: 'recovery', close: () => recovery.stop() });
    if (recordsDb) {
      const stopActivity = recordsDb.recordActivityFrom(acd);
      started.push({ part: 'activity', close: () => stopActivity() });
    }

    const holder: { center?: CallCenter } = {};
    let draining = false;
    const signalling = await startSignalling({
      config, drachtio, bindings,
      log: log.child({ component: 'signalling' }),
      onCall: (call) => holder.center!.accept(inboundCall(signalling.srf, call, log.child({ component: 'signalling' }))),
      onOperatorCall: (call) => holder.center!.consult(call),
      draining: () => draining,
      // Redis known down: new calls get 503 + Retry-After before they are answered (they could not be queued)
      storeUnavailable: () => store instanceof RedisAcdStore && !store.available,
      onLimit: metrics.limitTripped,
      onBindingsRemoved: metrics.bindingsRemoved,
      // connections die with this process only when the SIP engine runs in it
      ...(engine ? { instanceId } : {}),
      // a drachtio-server may come up after us: start-up goes on, readiness says sip is down until it does
      connect: config.sip.engine.mode === 'drachtio' ? 'background' : 'wait',
    });
    started.push({ part: 'signalling', close: () => signalling.close() });
    let sipConnected = config.sip.engine.mode !== 'drachtio';
    const srfEvents = signalling.srf as unknown as EventEmitter; // the typings list only the SIP methods
    srfEvents.on('connect', (err: Error | null) => { sipConnected = !err; });
    srfEvents.on('close', () => { sipConnected = false; });
    // a drachtio-server's connection is logged by signalling while it retries; the embedded engine's here
    if (config.sip.engine.mode !== 'drachtio') srfEvents.on('error', (err: Error) => log.warn({ err }, 'the connection to the SIP engine failed'));
    engine?.on('flowClosed', (flow) => void signalling.registrar.flowClosed(flow));

    const bus = new ServerEventBus();
    media.relay.on('down', () => metrics.relayError());
    const records = meteredRecords(overrides.records ?? recordsView(recordsDb!), metrics);
    // three-way conferences: a G.711 mixer beside the relay, on ports the OS picks on 127.0.0.1
    const mixer = new ConferenceMixer({ bindAddress: '127.0.0.1', logger: log.child({ component: 'mixer' }) });
    started.push({ part: 'mixer', close: () => mixer.close() });
    // routing reports that fail while Redis is unavailable are sent again once it answers (no operator
    // stays on a call that ended meanwhile); a call answered just before the outage was known is queued then
    const callsRouting = withRetriedReports(acd, {
      log: log.child({ component: 'calls' }),
      storeAvailable: () => !(store instanceof RedisAcdStore) || store.available,
      onRetried: (what) => metrics.recovered(what === 'enqueue' ? 'call-queued-late' : 'routing-report-retried'),
    });
    started.push({ part: 'routing reports', close: () => callsRouting.close() });
    const center = new CallCenter({
      mixer, instanceId,
      acd: callsRouting.acd, media: media.relay, records, now, log: log.child({ component: 'calls' }),
      notify: (notice) => bus.emit('call', notice),
      browserOffer: iceCandidateFilter(mc.iceAllow),
      codecPolicy: (queue, operatorId) => codecPolicyFor(config.codecs, queue, operatorId),
      onLegMedia: new CodecMetrics(metrics.registry).legConnected,
      holdMusic: mediaAssetPath(mc.musicOnHold as 'musicOnHold'),
      dialer: new SrfOperatorDialer(signalling.srf, signalling.registrar, new Map(config.operators.map((o) => [o.id, o.sip.username])), log.child({ component: 'signalling' }), signalling.dialogKeepAlive),
      ...(config.outboundTrunks.length > 0
        ? { external: new SrfTrunkDialer(signalling.srf, config.outboundTrunks, log.child({ component: 'signalling' }), metrics.limitTripped) }
        : {}),
      directory: {
        operatorBySipUser: (user) => config.operators.find((o) => o.sip.username === user)?.id,
        hasQueue: (id) => config.queues.some((q) => q.id === id),
      },
      ...(overrides.tickMs ? { tickMs: overrides.tickMs } : {}),
    });
    holder.center = center;
    started.push({ part: 'calls', close: () => center.close() });
    // calls the relay loses (rtpengine restarted) are moved to new sessions, or end as media-lost
    const relayRecovery = new RelayRecovery({
      relay: media.relay, callOf: (id) => center.get(id), timeoutMs: mc.recoveryTimeoutMs,
      log: log.child({ component: 'calls' }), onResult: metrics.mediaRecovery,
    });
    started.push({ part: 'media recovery', close: () => relayRecovery.close() });

    const readiness = createReadiness({
      sip: () => (sipConnected && (config.sip.engine.mode !== 'embedded' || engine !== undefined) ? 'up' : 'down'),
      media: () => (media.relay.state === 'up' ? 'up' : 'down'),
      store: async (): Promise<'up'> => {
        if (!bindingsClient) return 'up';
        await bindingsClient.ping();
        return 'up';
      },
      // degraded: writes wait in the buffer for the database; calls still flow, so still ready
      records: () => (!recordsDb || recordsDb.state() === 'up' ? 'up' : 'degraded'),
    }, { draining: () => draining });
    // sign-in sessions survive a restart when Redis is the store (read back here, before requests arrive)
    let sessionPersistence: { store: RedisSessionStore; initial: StoredSession[] } | undefined;
    if (bindingsClient && config.redis) {
      const sessionStore = new RedisSessionStore(bindingsClient, config.redis.prefix, config.redis.commandTimeoutMs);
      try {
        sessionPersistence = { store: sessionStore, initial: await sessionStore.loadAll(now()) };
      } catch (err) {
        throw new StartupError('store', `the store could not start: reading the sign-in sessions failed: ${(err as Error).message}`, { cause: err });
      }
      if (sessionPersistence.initial.length > 0) log.info({ sessions: sessionPersistence.initial.length }, 'sign-in sessions taken back from the store');
    }
    const web = createApp({
      acd, calls: center, operators: ((dir) => ({ ...dir, sip: { ...dir.sip, iceServersFor: (id: string) => iceServersFor(config.webrtc, id, now()) } }))(createOperatorDirectory(config)),
      scripts: new ScriptBook(config.desk.scripts, { hasQueue: (id) => config.queues.some((q) => q.id === id), onLimit: metrics.limitTripped }), cdrs: records, events: bus,
      dispositions: { codes: config.records.dispositions, record: async (visitId, operatorId, disposition, notes) => { await records.dispose(center.callIdOf(visitId) ?? visitId, operatorId, disposition, notes); } },
      softphoneDir: overrides.softphoneDir ?? path.join(__dirname, '../../softphone/dist'),
      now, newToken: () => randomBytes(24).toString('base64url'), logger: log.child({ component: 'http' }),
      readiness, metrics, onLimit: metrics.limitTripped,
      ...(recordsDb ? {
        records: {
          store: recordsDb.store, timeZone: config.records.timeZone, shortAbandonSeconds: config.records.shortAbandonSeconds,
          serviceLevelSeconds: Object.fromEntries(config.queues.map((q) => [q.id, q.serviceLevelMs / 1000])),
        },
      } : {}),
      queueTargets: config.queues.map((q) => ({ id: q.id, serviceLevelMs: q.serviceLevelMs, serviceLevelTarget: q.serviceLevelTarget })),
      ...(recordsDb ? { audit: { record: (action) => recordsDb.store.recordSupervisorAction(action) } } : {}),
    }, {
      sessionTtlMs: config.http.sessionTtlMs, loginLimit: config.sip.authLimiter,
      ...(sessionPersistence ? { sessionPersistence } : {}),
      ...(config.ops.metricsToken !== undefined ? { metricsToken: config.ops.metricsToken } : {}),
    });
    let http: Server;
    try {
      http = config.http.tls ? listenSecurely(web.app, readHttpTls(config.http.tls), config.http) : web.app.listen(config.http.port, config.http.address);
    } catch (err) {
      throw new StartupError('http', (err as Error).message, { cause: err });
    }
    try {
      await new Promise<void>((resolve, reject) => {
        http.once('listening', () => resolve());
        http.once('error', reject);
      });
    } catch (err) {
      throw new StartupError('http', portClashMessage(err, config) ?? `the HTTP server could not listen on ${config.http.address}:${config.http.port} (http.port): ${(err as Error).message}`, { cause: err });
    }
    started.push({
      part: 'http',
      close: () => {
        web.close();
        http.closeAllConnections();
        http.close();
      },
    });
    recovery.run();
    const address = http.address();
    const httpPort = typeof address === 'object' && address ? address.port : config.http.port;

    let stopping: Promise<void> | undefined;
    return {
      config, acd, center, signalling, media, engine, records, metrics, http, httpPort,
      sipListening: engine?.listening ?? [],
      get draining() {
        return draining;
      },
      async drain(timeoutMs) {
        draining = true;
        const until = now() + timeoutMs;
        while (center.size > 0 && now() < until) await new Promise((r) => setTimeout(r, 100));
        if (center.size > 0) log.warn({ calls: center.size }, 'drain timed out: ending the calls in progress');
      },
      stop() {
        stopping ??= unwind();
        return stopping;
      },
    };
  }
}

/** The host name, as an instance id (letters, digits, `_ . @ -`, at most 64). */
function defaultInstanceId(): string {
  const id = hostname().replace(/[^A-Za-z0-9_.@-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 64);
  return id || 'switchboard';
}

/** The record store as the calls layer and the API's call history use it: writes through the buffered writer. */
function recordsView(db: Records): CallRecordStore {
  return {
    saveCall: (record) => db.writer.saveCall(record),
    dispose: (callId, operatorId, disposition, notes) => db.writer.dispose(callId, operatorId, disposition, notes),
    query: async (filter) => (await db.store.queryCalls(filter)).filter(isEnded),
  };
}
