import { parseId, parseNewCall, parsePositiveMs, parsePriority, parseReason, parseRoutingConfigChange } from './config-schema';
import { TypedEmitter } from './emitter';
import { AppError, InvalidStateError, isAppError } from './errors';
import type { Interval } from './intervals';
import { KpiCalculator, type KpiReport } from './kpis';
import type { AcdStore } from './port';
import { seedFrom } from './prng';
import type { AcdCommand, CommandContext, NewCall, NoAnswerCause, RoutingEvent, RoutingEventType } from './types';

const NO_ANSWER_CAUSES: readonly NoAnswerCause[] = ['no-answer', 'busy', 'declined', 'failed', 'unreachable'];
import { buildSnapshot, waitingCallView, type AcdSnapshot, type WaitingCallView } from './views';

/** The subset of a pino logger the ACD uses (routing imports no logging library). */
export interface AcdLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): AcdLogger;
}

export interface AcdOptions {
  store: AcdStore;
  now: () => number;
  /** Fresh unique ids; used as the base of reservation tokens. */
  newId: () => string;
  /** Uniform in [0, 1): seeds the `random` strategy. */
  random: () => number;
  logger?: AcdLogger;
  /** Fed with every event; one is created when omitted. */
  kpis?: KpiCalculator;
  /** This process's instance id, stamped on every call it queues (see recoverInstance). */
  instanceId?: string;
}

export type OfferEvent = Extract<RoutingEvent, { type: 'call-offered' }>;

/** Every routing event by its type, plus `event` for all of them. */
export type AcdEvents = { [K in RoutingEventType]: Extract<RoutingEvent, { type: K }> } & { event: RoutingEvent };

export interface CommandResult {
  events: RoutingEvent[];
  /** The decisions of this command: offer these calls to these operators. */
  offers: OfferEvent[];
}

export interface EnqueueResult extends CommandResult {
  /** The queue the call waits in or was offered from (after any overflow). */
  queueId: string;
  /** Position in that queue when it was queued (1 when offered at once). */
  position: number;
}

/** Identifies one offer in the reports of the calls layer. */
export interface OfferRef {
  callId: string;
  operatorId: string;
  token: string;
}

/**
 * The ACD facade for the calls and http layers. Each method is one atomic store command; the
 * events it produced are returned, emitted, logged and counted in the KPIs.
 */
export class Acd extends TypedEmitter<AcdEvents> {
  readonly kpis: KpiCalculator;
  private closed = false;

  constructor(private readonly options: AcdOptions) {
    super();
    this.kpis = options.kpis ?? new KpiCalculator();
  }

  async configure(config: unknown): Promise<void> {
    this.assertOpen();
    await this.options.store.configure(parseRoutingConfigChange(config), this.time());
  }

  /** Queues a call. Throws ERR_QUEUE_FULL when it was turned away (queue full, overflow `busy`). */
  async enqueue(input: NewCall): Promise<EnqueueResult> {
    const call = parseNewCall(input.instanceId === undefined && this.options.instanceId !== undefined ? { ...input, instanceId: this.options.instanceId } : input);
    const result = await this.run({ kind: 'enqueue', call });
    const rejected = result.events.find((e) => e.type === 'call-rejected' && e.callId === call.id);
    if (rejected && rejected.type === 'call-rejected') {
      throw new AppError('ERR_QUEUE_FULL', `call ${call.id} turned away: queue ${rejected.queueId} is full`, {
        details: { callId: call.id, queueId: rejected.queueId, reason: rejected.reason },
      });
    }
    let queueId = call.queueId;
    let position = 1;
    for (const e of result.events) {
      if (e.type === 'call-queued' && e.callId === call.id) {
        queueId = e.queueId;
        position = e.position;
      }
    }
    return { ...result, queueId, position };
  }

  async operatorLogin(operatorId: string, options: { pausedReason?: string } = {}): Promise<CommandResult> {
    const pausedReason = options.pausedReason === undefined ? undefined : parseReason(options.pausedReason, 'pausedReason');
    return this.run({ kind: 'login', operatorId: parseId(operatorId, 'operatorId'), ...(pausedReason !== undefined ? { pausedReason } : {}) });
  }

  async setAvailable(operatorId: string): Promise<CommandResult> {
    return this.run({ kind: 'set-available', operatorId: parseId(operatorId, 'operatorId') });
  }

  async pause(operatorId: string, reason: string): Promise<CommandResult> {
    return this.run({ kind: 'pause', operatorId: parseId(operatorId, 'operatorId'), reason: parseReason(reason) });
  }

  /** `force` also ends an offer or a call in progress (an operator who left without logging out). */
  async logout(operatorId: string, options: { force?: boolean } = {}): Promise<CommandResult> {
    return this.run({ kind: 'logout', operatorId: parseId(operatorId, 'operatorId'), force: options.force === true });
  }

  async endWrapUp(operatorId: string): Promise<CommandResult> {
    return this.run({ kind: 'end-wrap-up', operatorId: parseId(operatorId, 'operatorId') });
  }

  async extendWrapUp(operatorId: string, ms: number): Promise<CommandResult> {
    return this.run({ kind: 'extend-wrap-up', operatorId: parseId(operatorId, 'operatorId'), ms: parsePositiveMs(ms, 'ms') });
  }

  async onRinging(ref: OfferRef): Promise<CommandResult> {
    return this.run({ kind: 'ringing', ...this.ref(ref) });
  }

  async onAnswered(ref: OfferRef): Promise<CommandResult> {
    return this.run({ kind: 'answered', ...this.ref(ref) });
  }

  /**
   * The offer rang out, the operator's device refused it (`busy`, `declined`: the pause says so) or
   * we could not use its answer (`failed`: no pause): the call goes back to the head of its place.
   */
  async onNoAnswer(ref: OfferRef, cause: NoAnswerCause = 'no-answer'): Promise<CommandResult> {
    if (!NO_ANSWER_CAUSES.includes(cause)) throw new AppError('ERR_INVALID_INPUT', `cause: expected one of ${NO_ANSWER_CAUSES.join(', ')}`);
    return this.run({ kind: 'no-answer', ...this.ref(ref), ...(cause !== 'no-answer' ? { cause } : {}) });
  }

  /** Either side hung up: abandons a waiting or ringing call, completes an answered one. */
  async onHangup(callId: string): Promise<CommandResult> {
    return this.run({ kind: 'hangup', callId: parseId(callId, 'callId') });
  }

  /** The caller left before an answer; ERR_ILLEGAL_TRANSITION if the call was answered. */
  async onAbandoned(callId: string): Promise<CommandResult> {
    return this.run({ kind: 'abandon', callId: parseId(callId, 'callId') });
  }

  /** Supervision: a waiting call moves to another queue (ERR_QUEUE_FULL when it is full; see supervision.ts). */
  async moveCall(callId: string, queueId: string): Promise<CommandResult> {
    return this.run({ kind: 'move-call', callId: parseId(callId, 'callId'), queueId: parseId(queueId, 'queueId') });
  }

  /** Supervision: a waiting call is offered to this available operator. */
  async assignCall(callId: string, operatorId: string): Promise<CommandResult> {
    return this.run({ kind: 'assign-call', callId: parseId(callId, 'callId'), operatorId: parseId(operatorId, 'operatorId') });
  }

  /** Supervision: a waiting call's priority becomes `priority` (0..99). */
  async setPriority(callId: string, priority: number): Promise<CommandResult> {
    return this.run({ kind: 'set-priority', callId: parseId(callId, 'callId'), priority: parsePriority(priority) });
  }

  /** Keeps `instanceId` known as alive until `aliveUntil` (ms). */
  async heartbeat(instanceId: string, aliveUntil: number): Promise<void> {
    await this.run({ kind: 'heartbeat', instanceId: parseId(instanceId, 'instanceId'), aliveUntil });
  }

  /** Instances whose heartbeat ran out. */
  async expiredInstances(): Promise<string[]> {
    this.assertOpen();
    return this.guard(() => this.options.store.expiredInstances(this.time()));
  }

  /**
   * Takes the calls of a dead instance out of routing and pauses their operators (reason
   * `recovered`). With `onlyIfExpired`, does nothing if the instance's heartbeat is live again.
   */
  async recoverInstance(instanceId: string, options: { onlyIfExpired?: boolean } = {}): Promise<CommandResult> {
    return this.run({ kind: 'recover-instance', instanceId: parseId(instanceId, 'instanceId'), onlyIfExpired: options.onlyIfExpired === true });
  }

  /** Runs the due timers: wrap-up ends, offer expiries, skills relaxation, maximum wait. */
  async tick(): Promise<CommandResult> {
    this.assertOpen();
    const events = await this.guard(() => this.options.store.tick(this.context()));
    return this.publish(events);
  }

  async snapshot(): Promise<AcdSnapshot> {
    this.assertOpen();
    const view = await this.guard(() => this.options.store.read());
    return buildSnapshot(view, this.time());
  }

  /** Position and expected wait of a waiting call; null when it is not waiting. */
  async position(callId: string): Promise<WaitingCallView | null> {
    this.assertOpen();
    const call = await this.guard(() => this.options.store.readCall(parseId(callId, 'callId')));
    if (!call || call.state !== 'waiting') return null;
    const view = await this.guard(() => this.options.store.read({ queueIds: [call.queueId] }));
    return waitingCallView(view, call.id, this.time());
  }

  /** KPIs over an interval (see intervals.ts for rolling and calendar intervals). */
  async report(interval: Interval): Promise<KpiReport> {
    this.assertOpen();
    const view = await this.guard(() => this.options.store.read());
    const serviceLevelMs: Record<string, number> = {};
    const members: Record<string, string[]> = {};
    for (const q of view.queues) {
      serviceLevelMs[q.config.id] = q.config.serviceLevelMs;
      members[q.config.id] = Object.keys(q.members);
    }
    return this.kpis.report(interval, this.time(), { serviceLevelMs, members });
  }

  /** Stops emitting; the store is owned by whoever created it. Idempotent. */
  close(): void {
    this.closed = true;
    this.removeAllListeners();
  }

  private ref(ref: OfferRef): OfferRef {
    return { callId: parseId(ref.callId, 'callId'), operatorId: parseId(ref.operatorId, 'operatorId'), token: parseReason(ref.token, 'token') };
  }

  private time(): number {
    return Math.floor(this.options.now());
  }

  private context(): CommandContext {
    return { now: this.time(), tokenBase: this.options.newId(), seed: seedFrom(this.options.random()) };
  }

  private async run(command: AcdCommand): Promise<CommandResult> {
    this.assertOpen();
    const events = await this.guard(() => this.options.store.execute(command, this.context()));
    return this.publish(events);
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isAppError(err)) throw err;
      throw new AppError('ERR_STORE', `routing store failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  private publish(events: RoutingEvent[]): CommandResult {
    const offers: OfferEvent[] = [];
    for (const event of events) {
      this.kpis.record(event);
      this.log(event);
      if (event.type === 'call-offered') offers.push(event);
      if (this.closed) continue;
      this.emit(event.type, event as never);
      this.emit('event', event);
    }
    return { events, offers };
  }

  private log(event: RoutingEvent): void {
    const logger = this.options.logger;
    if (!logger) return;
    if (event.type === 'call-offered') {
      logger
        .child({ callId: event.callId, queue: event.queueId, operatorId: event.operatorIds.join(',') })
        .info({ token: event.token, explanation: event.explanation }, event.explanation.summary);
    } else if (event.type === 'operator-state') {
      logger.child({ operatorId: event.operatorId }).info({ from: event.from, to: event.to, reason: event.reason }, 'operator state');
    } else if ('callId' in event) {
      const queue = 'queueId' in event ? event.queueId : undefined;
      const operatorId = 'operatorId' in event ? event.operatorId : undefined;
      logger.child({ callId: event.callId, queue, operatorId }).info({ event }, event.type);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidStateError('the ACD is closed');
  }
}
