/**
 * Switchboard's entry point: loads the configuration (SWITCHBOARD_CONFIG, a comma-separated list of
 * YAML files, default config/demo.yaml, plus SWITCHBOARD_* environment overrides), starts the
 * embedded SIP engine in its worker thread (or uses a configured drachtio-server), the media relay
 * (a local rtpengine unless one is configured), the routing core (in memory, or Redis), the call
 * center, and the signalling application that hands it the calls.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import * as path from 'node:path';
import pino from 'pino';
import { loadConfig, readConfigFiles, redactConfig, type Config } from '../config';
import { parseContact, startEngineWorker, type EngineWorker, type ListenSpec } from './sip-engine';
import { startSignalling } from './signalling/signalling';
import { SrfOperatorDialer, inboundCall } from './signalling/call-legs';
import { createClient } from 'redis';
import { MemoryBindingStore } from './store/bindings/memory-binding-store';
import { RedisBindingStore } from './store/bindings/redis-binding-store';
import type { BindingStore } from './store/bindings/binding-store';
import { MemoryAcdStore } from './store/memory-store';
import { RedisAcdStore } from './store/redis-store';
import { Acd, type AcdStore } from './routing';
import { CallCenter } from './calls/call-center';
import { MemoryCallRecordStore } from './calls/call-record';
import { iceCandidateFilter } from './calls/ice-filter';
import { mediaAssetPath, startMediaRelay, type RunningMediaRelay } from '../media';
import { createApp, createOperatorDirectory, ServerEventBus } from './http';
import { createReadiness } from './ops/readiness';
import { meteredRecords, ServerMetrics } from './ops/metrics';

/** Disposition codes offered at the end of wrap-up (configurable later). */
const DISPOSITIONS = ['resolved', 'callback', 'escalated', 'no-action'];

function listenSpecs(config: Config): ListenSpec[] {
  const specs = config.sip.listen.flatMap(parseContact);
  const ws = config.sip.ws;
  const tls = ws.tls?.cert && ws.tls.key ? { cert: ws.tls.cert, key: ws.tls.key } : undefined;
  specs.push({ protocol: tls ? 'wss' : 'ws', address: ws.address, port: ws.port, ...(tls ? { tls } : {}) });
  return specs;
}

async function main(): Promise<void> {
  const files = (process.env.SWITCHBOARD_CONFIG ?? path.join(__dirname, '../../config/demo.yaml')).split(',');
  let config: Config;
  try {
    config = loadConfig(process.env, readConfigFiles(files));
  } catch (err) {
    process.stderr.write(`switchboard: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const log = pino({ level: config.logging.level, base: { app: 'switchboard' } });
  log.info({ config: redactConfig(config) }, 'configuration loaded');

  let engine: EngineWorker | undefined;
  let drachtio: { host: string; port: number; secret: string };
  if (config.sip.engine.mode === 'embedded') {
    const secret = config.sip.engine.secret ?? randomBytes(18).toString('base64url');
    try {
      engine = await startEngineWorker({
        listen: listenSpecs(config),
        admin: { address: '127.0.0.1', port: config.sip.engine.port, secret },
        logLevel: config.logging.level,
        logger: log.child({ component: 'sip-engine' }),
      });
    } catch (err) {
      log.fatal({ err }, 'the SIP engine could not start');
      process.exit(1);
    }
    drachtio = { host: '127.0.0.1', port: engine.adminPort, secret };
  } else {
    drachtio = { host: config.sip.engine.host, port: config.sip.engine.port, secret: config.sip.engine.secret };
  }

  let media: RunningMediaRelay;
  const mc = config.media;
  try {
    media = await startMediaRelay({
      ...(mc.rtpengine.mode === 'external' ? { rtpengine: { host: mc.rtpengine.host, port: mc.rtpengine.port } } : {
        local: { portMin: mc.rtpengine.portMin, portMax: mc.rtpengine.portMax, ...(mc.rtpengine.ngPort ? { ngPort: mc.rtpengine.ngPort } : {}), ...(mc.recording.enabled ? { recordingDir: path.resolve(mc.recording.dir) } : {}) },
      }),
      recordCalls: mc.recording.enabled,
      logger: log.child({ component: 'media' }),
    });
  } catch (err) {
    log.fatal({ err }, 'the media relay could not start');
    await engine?.close();
    process.exit(1);
  }

  const store: AcdStore = config.redis ? await RedisAcdStore.connect({ url: config.redis.url, prefix: config.redis.prefix }) : new MemoryAcdStore();
  let bindingsClient: ReturnType<typeof createClient> | undefined;
  let bindings: BindingStore = new MemoryBindingStore();
  if (config.redis) {
    bindingsClient = createClient({ url: config.redis.url });
    bindingsClient.on('error', (err) => log.warn({ err }, 'redis (bindings)'));
    await bindingsClient.connect();
    bindings = new RedisBindingStore(bindingsClient, config.redis.prefix);
  }
  const acd = new Acd({ store, now: Date.now, newId: randomUUID, random: Math.random, logger: log.child({ component: 'routing' }) });
  await acd.configure({
    queues: config.queues.map(({ announcement: _a, musicOnHold: _m, ...q }) => q),
    operators: config.operators.map(({ name: _n, sip: _s, ...o }) => o),
  });

  const holder: { center?: CallCenter } = {};
  let draining = false;
  const signalling = await startSignalling({
    config,
    drachtio,
    bindings,
    log: log.child({ component: 'signalling' }),
    onCall: (call) => holder.center!.accept(inboundCall(signalling.srf, call)),
    draining: () => draining,
  });
  // readiness: the SIP engine answered its start and the app's connection to it (or to drachtio-server) is up
  let sipConnected = true;
  const srfEvents = signalling.srf as unknown as EventEmitter; // the typings list only the SIP methods
  srfEvents.on('connect', (err: Error | null) => { sipConnected = !err; });
  srfEvents.on('close', () => { sipConnected = false; });
  srfEvents.on('error', (err: Error) => log.warn({ err }, 'the connection to the SIP engine failed'));
  const readiness = createReadiness({
    sip: () => (sipConnected && (config.sip.engine.mode !== 'embedded' || engine !== undefined) ? 'up' : 'down'),
    media: () => (media.relay.state === 'up' ? 'up' : 'down'),
    store: async (): Promise<'up'> => {
      if (!bindingsClient) return 'up';
      await bindingsClient.ping();
      return 'up';
    },
  }, { draining: () => draining });
  engine?.on('flowClosed', (flow) => void signalling.registrar.flowClosed(flow));
  const bus = new ServerEventBus();
  const metrics = new ServerMetrics({
    snapshot: () => acd.snapshot(), queues: config.queues.map((q) => q.id),
    ...(engine ? { sipMessages: () => engine!.stats().then((s) => s.messages) } : {}),
  });
  media.relay.on('down', () => metrics.relayError());
  const records = meteredRecords(new MemoryCallRecordStore(), metrics);
  const center = new CallCenter({
    acd, media: media.relay, records, now: Date.now, log: log.child({ component: 'calls' }),
    notify: (notice) => bus.emit('call', notice),
    browserOffer: iceCandidateFilter(mc.iceAllow),
    holdMusic: mediaAssetPath(mc.musicOnHold as 'musicOnHold'),
    dialer: new SrfOperatorDialer(signalling.srf, signalling.registrar, new Map(config.operators.map((o) => [o.id, o.sip.username]))),
  });
  holder.center = center;

  const web = createApp({
    acd, operators: createOperatorDirectory(config), calls: center, cdrs: records, events: bus,
    dispositions: { codes: DISPOSITIONS, record: async (callId, operatorId, disposition, notes) => { await records.dispose(callId, operatorId, disposition, notes); } },
    softphoneDir: path.join(__dirname, '../../softphone/dist'),
    now: Date.now, newToken: () => randomBytes(24).toString('base64url'), logger: log.child({ component: 'http' }),
    readiness, metrics,
  }, { sessionTtlMs: config.http.sessionTtlMs, loginLimit: config.sip.authLimiter });
  const httpServer = web.app.listen(config.http.port, config.http.address);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('listening', () => resolve());
    httpServer.once('error', reject);
  }).catch((err: Error) => {
    log.fatal({ err }, `the HTTP server could not listen on ${config.http.address}:${config.http.port}`);
    process.exit(1);
  });

  const sip = engine?.hostports ?? `${drachtio.host}:${drachtio.port} (drachtio-server)`;
  log.info({ sip }, 'Switchboard is running');
  const udp = engine?.listening.find((l) => l.protocol === 'udp' || l.protocol === 'tcp');
  const operatorsLine = config.operators
    .map((o) => (o.sip.password !== undefined ? `${o.sip.username} / ${o.sip.password}` : o.sip.username))
    .join(', ');
  process.stdout.write(
    `\nSwitchboard is running.\n` +
    `  Softphone: http://${config.http.address}:${config.http.port}/  (operators: ${operatorsLine})\n` +
    `  SIP: ${sip}\n` +
    config.numbers.map((n) => `  Call ${udp ? `sip:${n.number}@${udp.address}:${udp.port}` : n.number} → queue ${n.queue}\n`).join('') +
    '\n',
  );


  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // drain: refuse new calls (503, Retry-After), let the calls in progress end, up to ops.drainTimeoutMs
    draining = true;
    const drainUntil = Date.now() + config.ops.drainTimeoutMs;
    log.info({ signal, calls: center.size, drainTimeoutMs: config.ops.drainTimeoutMs }, 'draining');
    while (center.size > 0 && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 100));
    if (center.size > 0) log.warn({ calls: center.size }, 'drain timed out: ending the calls in progress');
    log.info({ signal }, 'stopping');
    web.close();
    httpServer.closeAllConnections();
    httpServer.close();
    center.close();
    signalling.close();
    // each part gets a bounded time to close (a Redis that is gone must not hold the exit)
    const closing = async (part: string, close: () => Promise<unknown> | undefined) => {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.resolve().then(close).catch((err: unknown) => log.warn({ err, part }, 'closing failed')),
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            log.warn({ part }, 'closing timed out');
            resolve();
          }, 5000);
        }),
      ]);
      clearTimeout(timer);
    };
    await closing('media', () => media.close());
    await closing('store', () => store.close());
    await closing('bindings', () => bindingsClient?.quit());
    await closing('engine', () => engine?.close());
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

void main();
