import { EventEmitter } from 'node:events';
import { AdminServer } from './drachtio/admin-server';
import { AppSide } from './core/app-side';
import { SipCore } from './core/sip-core';
import { TransportLayer, uriHost } from './transport/transport-layer';
import type { ListenSpec, Protocol } from './transport/types';
import type { TimerValues } from './transaction/clock';
import { silentLogger, type EngineLogger } from './logger';
import type { SessionTimerOptions } from './core/session-timer';
import { getHeapStatistics } from 'node:v8';
import { LogLimiter } from './log-limiter';
import { SourceLimits, UNRATED_SOURCE_LIMITS, type SourceLimitName, type SourceLimitsOptions } from './transport/source-limits';
import { asDrachtioServer, type EngineCompat } from './drachtio/server-compat';

export const ENGINE_VERSION = 'v0.9.2-switchboard';

export interface SipEngineOptions {
  /** Where SIP is received and sent (see parseContact). Port 0 asks the OS for a free port. */
  listen: ListenSpec[];
  /** The drachtio admin socket apps connect to. */
  admin: { address: string; port: number; secret: string };
  timers?: Partial<TimerValues>;
  /** Session timers (RFC 4028): Min-SE and the default refresher. */
  sessionTimers?: Partial<SessionTimerOptions>;
  /**
   * Per-source limits: request rate (over it, a source's requests are dropped for a cool-down),
   * connections per source, incomplete-message timeout, and the trusted (exempt) sources.
   * Absent: no request rate limit; the connection and incomplete-message limits at their defaults.
   */
  sourceLimits?: Partial<SourceLimitsOptions>;
  /**
   * Log lines a minute about bad input and tripped source limits, per kind and source address (and
   * ten times that over all sources); the rest are counted into the next line's `suppressed`. Default 10.
   */
  badInputLogsPerMinute?: number;
  logger?: EngineLogger;
  /**
   * `drachtio-server`: behave as a real drachtio-server does where apps can see it (for apps' tests):
   * WebSocket traffic reported as `tcp`, no `flowClosed`, WebSocket contacts routed by the first Contact
   * of the REGISTER 200, a WebSocket peer's dialogs left alone when its connection closes, and a request
   * to a peer whose WebSocket has closed answered `410 Gone`. Default: the embedded engine's own behaviour.
   */
  compat?: EngineCompat;
}

/** A connection-oriented flow (TCP, WebSocket) that closed: whoever registered over it is unreachable. */
export interface FlowInfo {
  protocol: Protocol;
  address: string;
  port: number;
}

export interface SipEngineEvents {
  flowClosed: [flow: FlowInfo];
}

export interface SipEngineStats {
  dialogs: number;
  serverTransactions: number;
  clientTransactions: number;
  badMessages: number;
  /** SIP messages received and sent: `request:<METHOD>` and `response:<status>` → count. */
  messages: { in: Record<string, number>; out: Record<string, number> };
  /** Per-source limits: requests dropped, connections refused, connections closed incomplete; sources blocked now. */
  limits: { trips: Record<SourceLimitName, number>; blockedSources: number; blocks: number; trackedSources: number };
  /** The engine's JavaScript heap in use (its own isolate when it runs in a worker). */
  heapUsedBytes: number;
}

/**
 * The embedded SIP engine: an RFC 3261 stack behind the drachtio-server wire protocol, so an
 * unmodified drachtio-srf app connects to `admin` as it would to drachtio-server.
 */
export class SipEngine extends EventEmitter<SipEngineEvents> {
  private readonly transport: TransportLayer;
  private readonly admin: AdminServer;
  private readonly core: SipCore;
  private badMessages = 0;
  private state: 'new' | 'running' | 'closed' = 'new';

  constructor(options: SipEngineOptions) {
    super();
    const log = options.logger ?? silentLogger;
    // a flood of bad input costs a few log lines a minute, not one per message
    const perMinute = options.badInputLogsPerMinute ?? 10;
    const perSource = new LogLimiter({ perMinute });
    const overall = new LogLimiter({ perMinute: perMinute * 10 });
    const admit = (key: string): { suppressed?: number; suppressedAllSources?: number } | undefined => {
      const line = perSource.admit(key);
      if (!line) return undefined;
      const all = overall.admit('all');
      if (!all) return undefined;
      return all.suppressed ? { ...line, suppressedAllSources: all.suppressed } : line;
    };
    const limits = new SourceLimits(options.sourceLimits ?? UNRATED_SOURCE_LIMITS, undefined, (limit, address) => {
      // once per blocked source or refused connection, not per dropped request
      const line = admit(`${limit} ${address}`);
      if (line) log.warn({ limit, address, ...line }, limit === 'source-request-rate' ? 'source over its request rate: ignored for a while' : `source limit ${limit} reached`);
    });
    this.transport = new TransportLayer(options.listen, limits);
    this.admin = new AdminServer({
      ...options.admin,
      version: ENGINE_VERSION,
      hostports: () => this.hostports(),
      ...(options.compat === 'drachtio-server' ? { rewrite: asDrachtioServer } : {}),
    });
    const asServer = options.compat === 'drachtio-server';
    this.core = new SipCore(this.transport, this.admin, log, { timers: options.timers }, options.sessionTimers, !asServer);
    const appSide = new AppSide(this.core, asServer ? 'first-contact' : 'registered', asServer ? 'gone' : 'no-route');
    this.admin.on('sip', (conn, msgId, tokens, text) => void appSide.handle(conn, msgId, tokens, text));
    this.admin.on('proxy', (conn, msgId, tokens, text) => this.core.proxy.start(conn, msgId, tokens, text));
    this.admin.on('protocolError', (remote, reason) => log.warn({ remote, reason }, 'bad message on the admin socket'));
    if (options.compat !== 'drachtio-server') {
      this.transport.on('connectionClosed', (f) => this.emit('flowClosed', { protocol: f.protocol, address: f.address, port: f.port }));
    }
    this.transport.on('badMessage', (reason, source, answered) => {
      this.badMessages++;
      const line = admit(`bad ${source.address}`);
      if (line) log.info({ reason, from: `${source.protocol}/${source.address}:${source.port}`, answered, ...line }, answered ? 'answered 400' : 'dropped bad message');
    });
  }

  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`SipEngine: cannot start when ${this.state}`);
    await this.transport.listen();
    await this.admin.listen();
    this.state = 'running';
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.core.close();
    await Promise.all([this.admin.close(), this.transport.close()]);
  }

  get adminPort(): number {
    return this.admin.port;
  }

  /** The SIP listen addresses, drachtio style: `udp/127.0.0.1:5060,tcp/127.0.0.1:5060`. */
  hostports(): string {
    return this.transport.listening().map((l) => `${l.protocol}/${uriHost(l.address)}:${l.port}`).join(',');
  }

  listening(): Array<{ protocol: Protocol; address: string; port: number }> {
    return this.transport.listening();
  }

  stats(): SipEngineStats {
    const t = this.core.transactions.counts;
    return {
      dialogs: this.core.dialogs.size, serverTransactions: t.server, clientTransactions: t.client, badMessages: this.badMessages,
      messages: this.core.counters.snapshot(),
      limits: this.transport.limits.stats(),
      heapUsedBytes: getHeapStatistics().used_heap_size,
    };
  }
}
