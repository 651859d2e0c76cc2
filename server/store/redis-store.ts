import { createClient, ErrorReply } from 'redis';
import {
  AppError,
  InvalidStateError,
  mergeRoutingConfig,
  parseRoutingConfig,
  type AcdCommand,
  type AcdStateView,
  type AcdStore,
  type CallRecord,
  type CommandContext,
  type OperatorRecord,
  type QueueRecord,
  type RoutingConfig,
  type RoutingEvent,
  RECOVERED_REASON,
} from '../routing';
import { AcdKeys } from './keys';
import { SCRIPTS, type LuaScript } from './lua/scripts';
import { SUPERVISE_SCRIPT } from './lua/supervision-script';
import { bounded } from './bounded';

/** The one thing the store needs from a Redis client (node-redis `createClient()` has it). */
export interface RedisCommandClient {
  sendCommand(args: string[]): Promise<unknown>;
}

export interface RedisAcdStoreOptions {
  client: RedisCommandClient;
  /** Key prefix; tests use a random one. */
  prefix: string;
  /** Called by close(), for a client the store owns. */
  onClose?: () => Promise<void>;
  /** Timers run per tick script call (default 200). */
  tickBatch?: number;
  /** Time allowed for one command (default DEFAULT_STORE_COMMAND_TIMEOUT_MS); then ERR_STORE_UNAVAILABLE. */
  commandTimeoutMs?: number;
}

interface ScriptReply {
  events?: unknown;
  offers?: number;
  seed?: number;
  need?: string[];
  more?: boolean;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

const MAX_ATTEMPTS = 8;

/** The default time allowed for one Redis command (config `redis.commandTimeoutMs`). */
export const DEFAULT_STORE_COMMAND_TIMEOUT_MS = 2000;

/**
 * Redis did not answer (timed out, connection lost or refused): ERR_STORE_UNAVAILABLE, which the API
 * answers with 503 and Retry-After. A command that timed out after it was sent may still run once
 * Redis answers again; one still waiting for a reconnect never runs.
 */
export function storeUnavailable(cause: Error): AppError {
  return new AppError('ERR_STORE_UNAVAILABLE', `the state store (Redis) is unavailable: ${cause.message}`, { cause, details: { retryAfterSeconds: 5 } });
}
const MAX_HINT = 32;

const asArray = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
const asObject = <T extends object>(value: unknown): T => (value && typeof value === 'object' && !Array.isArray(value) ? (value as T) : ({} as T));

function operatorRecord(raw: string): OperatorRecord {
  const op = JSON.parse(raw) as OperatorRecord;
  op.queues = asArray(op.queues);
  op.skills = asObject(op.skills);
  return op;
}

function callRecord(raw: string): CallRecord {
  const call = JSON.parse(raw) as CallRecord;
  call.skills = asObject(call.skills);
  if (call.operatorIds !== undefined) call.operatorIds = asArray(call.operatorIds);
  return call;
}

function pairs(flat: unknown): Array<[string, string]> {
  const list = asArray<string>(flat);
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push([list[i] as string, list[i + 1] as string]);
  return out;
}

/**
 * The ACD state in Redis. Every command is one Lua script (see lua/scripts.ts): it validates, picks
 * (best operator for a call, best call for an operator), reserves with a token and an expiry kept
 * in the timers set, and writes, atomically. Any process's tick() releases expired offers, so a
 * crashed process cannot leave a reservation behind.
 */
export class RedisAcdStore implements AcdStore {
  readonly keys: AcdKeys;
  private readonly client: RedisCommandClient;
  private readonly hints = new Map<string, string[]>();
  private tickHint: string[] = [];
  private closed = false;
  private unavailable = false;

  constructor(private readonly options: RedisAcdStoreOptions) {
    this.client = options.client;
    this.keys = new AcdKeys(options.prefix);
  }

  /**
   * Connects a client of its own, closed by close(). Every command is bounded by
   * `commandTimeoutMs` (default DEFAULT_STORE_COMMAND_TIMEOUT_MS), also while the client waits to
   * reconnect: Redis down or stuck makes calls fail with ERR_STORE_UNAVAILABLE, never hang.
   */
  static async connect(options: { url: string; prefix: string; tickBatch?: number; commandTimeoutMs?: number }): Promise<RedisAcdStore> {
    const client = createClient({ url: options.url, commandOptions: { timeout: options.commandTimeoutMs ?? DEFAULT_STORE_COMMAND_TIMEOUT_MS } });
    client.on('error', () => undefined); // surfaced as rejected commands
    await client.connect();
    return new RedisAcdStore({
      client: client as unknown as RedisCommandClient,
      prefix: options.prefix,
      tickBatch: options.tickBatch,
      commandTimeoutMs: options.commandTimeoutMs,
      onClose: async () => {
        await client.close();
      },
    });
  }

  /**
   * False from a command that got no answer (timeout, connection lost) until the next one that
   * does (the routing tick runs one every second, so it comes back by itself).
   */
  get available(): boolean {
    return !this.unavailable && !this.closed;
  }

  async configure(config: RoutingConfig, now: number): Promise<void> {
    this.assertOpen();
    parseRoutingConfig(mergeRoutingConfig(await this.currentConfig(), config));
    const queueIds = new Set<string>(config.queues.map((q) => q.id));
    const known = config.operators.length ? asArray<string | null>(await this.send(['HMGET', this.keys.operators, ...config.operators.map((o) => o.id)])) : [];
    for (const raw of known) if (raw) for (const m of operatorRecord(raw).queues) queueIds.add(m.queue);
    for (const o of config.operators) {
      for (const m of o.queues) queueIds.add(m.queue);
      this.hints.set(`op:${o.id}`, o.queues.map((m) => m.queue));
    }
    await this.run(SCRIPTS.configure, {
      now,
      queues: config.queues.map((q) => ({ id: q.id, json: JSON.stringify(q) })),
      operators: config.operators.map((o) => ({ id: o.id, skills: o.skills, queues: o.queues })),
    }, [...queueIds]);
  }

  async execute(command: AcdCommand, ctx: CommandContext): Promise<RoutingEvent[]> {
    this.assertOpen();
    const base = { now: ctx.now, tokenBase: ctx.tokenBase, seed: ctx.seed, offers: 0 };
    if (command.kind === 'heartbeat') {
      await this.send(['ZADD', this.keys.instances, String(Math.floor(command.aliveUntil)), command.instanceId]);
      return [];
    }
    if (command.kind === 'recover-instance') {
      const { reply } = await this.run(SCRIPTS.recover, { ...base, ...command, reason: RECOVERED_REASON }, [], [this.keys.instances]);
      const events = asArray<RoutingEvent>(reply.events);
      this.learn(events);
      return events.map(normaliseEvent);
    }
    let script: LuaScript;
    let args: Record<string, unknown>;
    let hintKeys: string[];
    switch (command.kind) {
      case 'enqueue': {
        const c = command.call;
        script = SCRIPTS.enqueue;
        args = {
          ...base,
          call: {
            id: c.id, queueId: c.queueId, priority: c.priority ?? 0, skills: c.skills ?? {},
            ...(c.arrivedAt !== undefined ? { arrivedAt: c.arrivedAt } : {}), ...(c.instanceId !== undefined ? { instanceId: c.instanceId } : {}),
          },
        };
        hintKeys = [`queue:${c.queueId}`];
        break;
      }
      case 'login':
      case 'set-available':
      case 'pause':
      case 'logout':
      case 'end-wrap-up':
      case 'extend-wrap-up':
        script = SCRIPTS.operator;
        args = { ...base, ...command };
        hintKeys = [`op:${command.operatorId}`];
        break;
      case 'ringing':
      case 'answered':
      case 'no-answer':
        script = SCRIPTS.offer;
        args = { ...base, ...command };
        hintKeys = [`call:${command.callId}`, `op:${command.operatorId}`];
        break;
      case 'hangup':
      case 'abandon':
        script = SCRIPTS.hangup;
        args = { ...base, ...command };
        hintKeys = [`call:${command.callId}`];
        break;
      case 'move-call':
      case 'assign-call':
      case 'set-priority':
        script = SUPERVISE_SCRIPT;
        args = { ...base, ...command };
        hintKeys = command.kind === 'move-call' ? [`call:${command.callId}`, `queue:${command.queueId}`] : [`call:${command.callId}`];
        break;
    }
    const guess = new Set(hintKeys.flatMap((k) => this.hints.get(k) ?? (k.startsWith('queue:') ? [k.slice(6)] : [])));
    const { reply, queueIds } = await this.run(script, args, [...guess]);
    for (const k of hintKeys) this.hints.set(k, queueIds.slice(0, MAX_HINT));
    const events = asArray<RoutingEvent>(reply.events);
    this.learn(events);
    return events.map(normaliseEvent);
  }

  async tick(ctx: CommandContext): Promise<RoutingEvent[]> {
    this.assertOpen();
    const events: RoutingEvent[] = [];
    let offers = 0;
    let seed = ctx.seed;
    let queueIds = [...this.tickHint];
    for (let round = 0; round < 10_000; round++) {
      const reply = await this.eval(SCRIPTS.tick, this.keys.scriptKeys(queueIds), {
        now: ctx.now, tokenBase: ctx.tokenBase, seed, offers, queueIds, limit: this.options.tickBatch ?? 200,
      });
      if (reply.error) throw new AppError(reply.error.code, reply.error.message, { details: reply.error.details });
      const batch = asArray<RoutingEvent>(reply.events).map(normaliseEvent);
      events.push(...batch);
      this.learn(batch);
      offers = reply.offers ?? offers;
      seed = reply.seed ?? seed;
      if (reply.need) queueIds = [...new Set([...queueIds, ...asArray<string>(reply.need)])];
      else if (!reply.more) break;
    }
    this.tickHint = queueIds.slice(-64);
    return events;
  }

  async read(scope: { queueIds?: string[] } = {}): Promise<AcdStateView> {
    this.assertOpen();
    const scoped = scope.queueIds !== undefined;
    let queueIds = scope.queueIds ?? asArray<string>(await this.send(['HKEYS', this.keys.queues]));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const raw = await this.evalRaw(SCRIPTS.read, this.keys.scriptKeys(queueIds), JSON.stringify({ queueIds, scoped }));
      const reply = JSON.parse(raw) as { need?: string[]; queues?: unknown; operators?: unknown; calls?: unknown; timers?: unknown };
      if (reply.need) {
        queueIds = [...new Set([...queueIds, ...asArray<string>(reply.need)])];
        continue;
      }
      const queues: QueueRecord[] = asArray<{ id: string; config: string; members: unknown; waiting: unknown; meta: unknown }>(reply.queues).map((q) => {
        const record: QueueRecord = {
          config: JSON.parse(q.config),
          members: Object.fromEntries(pairs(q.members).map(([id, p]) => [id, Number(p)])),
          waiting: asArray<string>(q.waiting),
        };
        for (const [k, v] of pairs(q.meta)) {
          if (k === 'rrLast') record.rrLast = v;
          if (k === 'ahtMs') record.ahtMs = Number(v);
        }
        return record;
      });
      return {
        queues,
        operators: asArray<string>(reply.operators).map(operatorRecord),
        calls: asArray<string>(reply.calls).map(callRecord),
        timers: pairs(reply.timers).map(([key, at]) => ({ key, at: Number(at) })),
      };
    }
    throw new AppError('ERR_STORE', 'queues kept changing while reading');
  }

  async expiredInstances(now: number): Promise<string[]> {
    this.assertOpen();
    return asArray<string>(await this.send(['ZRANGEBYSCORE', this.keys.instances, '-inf', `(${Math.floor(now)}`]));
  }

  async readCall(callId: string): Promise<CallRecord | undefined> {
    this.assertOpen();
    const raw = await this.send(['HGET', this.keys.calls, callId]);
    return typeof raw === 'string' ? callRecord(raw) : undefined;
  }

  /** Idempotent; closes the client only when the store owns it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.options.onClose?.();
  }

  private async currentConfig(): Promise<RoutingConfig> {
    const [queues, ops] = await Promise.all([this.send(['HVALS', this.keys.queues]), this.send(['HVALS', this.keys.operators])]);
    return {
      queues: asArray<string>(queues).map((raw) => JSON.parse(raw)),
      operators: asArray<string>(ops).map((raw) => {
        const op = operatorRecord(raw);
        return { id: op.id, skills: op.skills, queues: op.queues };
      }),
    };
  }

  /** Runs a script, adding the queues it asks for until it has them all; `extraKeys` follow the queues' keys. */
  private async run(script: LuaScript, args: Record<string, unknown>, initial: string[], extraKeys: string[] = []): Promise<{ reply: ScriptReply; queueIds: string[] }> {
    let queueIds = [...new Set(initial)];
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const reply = await this.eval(script, [...this.keys.scriptKeys(queueIds), ...extraKeys], { ...args, queueIds });
      if (reply.need) {
        queueIds = [...new Set([...queueIds, ...asArray<string>(reply.need)])];
        continue;
      }
      if (reply.error) throw new AppError(reply.error.code, reply.error.message, { details: asObject(reply.error.details) });
      return { reply, queueIds };
    }
    throw new AppError('ERR_STORE', `${script.name}: the queues it needs kept changing`);
  }

  private async eval(script: LuaScript, keys: string[], args: Record<string, unknown>): Promise<ScriptReply> {
    return JSON.parse(await this.evalRaw(script, keys, JSON.stringify(args))) as ScriptReply;
  }

  private async evalRaw(script: LuaScript, keys: string[], arg: string): Promise<string> {
    try {
      return (await this.send(['EVALSHA', script.sha, String(keys.length), ...keys, arg])) as string;
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return (await this.send(['EVAL', script.source, String(keys.length), ...keys, arg])) as string;
    }
  }

  /**
   * One command, bounded in time: the client drops a command still waiting for a connection after
   * the timeout (it never runs), and a command already sent to a Redis that does not answer (stuck,
   * network gone) is given up here after the same time.
   */
  private async send(args: string[]): Promise<unknown> {
    try {
      const reply = await bounded(this.client.sendCommand(args), this.options.commandTimeoutMs ?? DEFAULT_STORE_COMMAND_TIMEOUT_MS, 'Redis');
      this.unavailable = false;
      return reply;
    } catch (err) {
      if (err instanceof ErrorReply || !(err instanceof Error)) {
        this.unavailable = false;
        throw err; // Redis answered: an error of the script or command
      }
      this.unavailable = true;
      throw storeUnavailable(err);
    }
  }

  /** Remembers which queue a call is in, so the next script gets the right keys first time. */
  private learn(events: RoutingEvent[]): void {
    for (const e of events) {
      if (e.type === 'call-queued') this.hints.set(`call:${e.callId}`, [e.queueId]);
      else if (e.type === 'call-rejected' || e.type === 'call-abandoned' || e.type === 'call-completed') this.hints.delete(`call:${e.callId}`);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidStateError('the Redis store is closed');
  }
}

/** cjson writes empty Lua tables as {}: put the arrays and objects back. */
function normaliseEvent(event: RoutingEvent): RoutingEvent {
  if (event.type === 'call-offered') {
    event.operatorIds = asArray(event.operatorIds);
    const x = event.explanation;
    if (x.kind === 'operator-for-call') {
      x.picked = asArray(x.picked);
      x.eligible = asArray(x.eligible);
      x.requirements = asObject(x.requirements);
    } else if (x.kind === 'call-for-operator') {
      x.candidates = asArray(x.candidates);
    }
  }
  return event;
}
