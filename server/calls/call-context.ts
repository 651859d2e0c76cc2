/**
 * The state one call shares with its steps (ringing, transfer, consultation, conference, media
 * recovery): its phase, its legs and their tags in the caller's media session, its visits in the
 * routing core, its record and what it tells the event stream. The steps are functions over this
 * context; what ends the call or reacts to a leg (`CallHooks`) stays with the Call itself.
 */
import { ID_PATTERN, type EnqueueResult } from '../routing';
import type { CallOutcome } from '../records/model';
import type { Call, CallDeps, CallLogger, CallNotice } from './call';
import { CallMedia } from './call-media';
import { nextPhase, type CallPhase } from './call-state';
import type { ConferenceRoom } from './conference-room';
import type { Consultation } from './consultation';
import type { JoinedExternal } from './external-transfer';
import type { InboundCall, OperatorLeg, TransferRequest } from './ports';
import { CallRecordBuilder } from './record-builder';

/** An operator talking with the caller (or a party of its conference). */
export interface Talking {
  operatorId: string;
  leg: OperatorLeg;
  /** The routing visit the operator answered (their wrap-up follows its queue). */
  visitId: string;
  segment: number;
  /** The leg's tag in the caller's media session (set when it was connected to the caller; absent for a conference party). */
  legTag?: string;
}

export interface PendingTransfer {
  visitId: string;
  request: TransferRequest;
  segment: number;
}

/** What the Call itself does when a step ends it or hands it a leg. */
export interface CallHooks {
  finish(outcome: CallOutcome): Promise<void>;
  callerHungUp(outcome?: CallOutcome): Promise<void>;
  operatorHungUp(t: Talking): Promise<void>;
  /** A new offer from a leg in the call (hold, resume, refresh). */
  newOffer(legTag: string, sdp: string, from: 'trunk' | 'browser', by?: Talking): Promise<string>;
  /** An operator now talks with the caller. */
  talk(operatorId: string, leg: OperatorLeg, legTag: string, visitId: string): void;
}

export class CallContext {
  phase: CallPhase = 'answering';
  readonly arrivedAt: number;
  readonly log: CallLogger;
  readonly media: CallMedia;
  readonly record: CallRecordBuilder;
  phaseSince: number;
  /** The current queue visit in the routing core. */
  visit: { id: string; queue: string; segment: number } | undefined;
  visits = 0;
  /** Operator legs joined to the caller's media session so far (each gets a tag of its own). */
  legs = 0;
  /** Resolves once the visit being enqueued is known (offers for it wait for this). */
  visitReady: Promise<unknown> = Promise.resolve();
  talking: Talking | undefined;
  transfer: PendingTransfer | undefined;
  dialing: AbortController | undefined;
  hold: { segment: number } | undefined;
  saving: Promise<void> = Promise.resolve();
  private routingBase: string | undefined;
  consultation: { c: Consultation; segment: number } | undefined;
  /** A conference of the caller and the operators in `parties`. */
  room: { r: ConferenceRoom; segment: number; parties: Map<string, Talking> } | undefined;
  /** The caller has gone (or the call is being ended): nothing may start or report an offer any more. */
  ending = false;
  /** A move of the call to a new media session after the relay lost it (see relayLost()). */
  restoring: Promise<'restored' | 'lost'> | undefined;
  /** The relay lost the session before the caller was answered: moved once the answer is out. */
  lostWhileAnswering = false;
  /** The caller handed to a number outside (a completed transfer through the outbound trunk). */
  external: JoinedExternal | undefined;

  constructor(
    /** The call this is the state of (what routing ids are routed to). */
    readonly owner: Call,
    readonly inbound: InboundCall,
    readonly deps: CallDeps,
    readonly hooks: CallHooks,
  ) {
    this.arrivedAt = deps.now();
    this.phaseSince = this.arrivedAt;
    this.log = deps.log.child({ callId: inbound.callId, queue: inbound.queue });
    this.media = new CallMedia({ media: deps.media, callId: inbound.callId, callerTag: inbound.fromTag, music: deps.holdMusic, log: this.log });
    this.record = new CallRecordBuilder({
      callId: inbound.callId, queue: inbound.queue, trunkId: inbound.trunkId, caller: inbound.caller, number: inbound.number,
      instanceId: deps.instanceId, arrivedAt: this.arrivedAt,
    });
  }

  get callId(): string {
    return this.inbound.callId;
  }

  /**
   * The routing core's id of the call's n-th queue visit: the SIP Call-ID when it is a valid routing
   * id (logs and records line up), else a generated one; later visits add `.n`.
   */
  visitId(n: number): string {
    this.routingBase ??= ID_PATTERN.test(this.callId) && this.callId.length <= 60 ? this.callId : `call-${this.deps.newId()}`;
    return n === 1 ? this.routingBase : `${this.routingBase}.${n}`;
  }

  /** The phase, read afresh (not narrowed by earlier checks: it changes across awaits). */
  get current(): CallPhase {
    return this.phase;
  }

  /**
   * Starts a queue visit in the routing core (for a transfer to an operator: a visit of their direct
   * queue); throws what `Acd.enqueue` throws (ERR_QUEUE_FULL…). The visit is known before the routing
   * core answers, so an offer it makes at once finds it.
   */
  async enqueue(queueId: string, forTransfer = false): Promise<{ id: string; offered: boolean }> {
    const id = this.newVisit();
    const previous = this.visit;
    if (forTransfer) this.transfer!.visitId = id;
    else this.visit = { id, queue: queueId, segment: this.record.begin('queued', this.deps.now(), { queue: queueId }) };
    try {
      const result = await this.enqueueVisit(id, queueId);
      if (!forTransfer) {
        this.record.end(previous?.segment, this.deps.now());
        this.visit!.queue = result.queueId;
        this.log.info({ position: result.position, queueId: result.queueId }, 'queued');
      }
      this.save();
      return { id, offered: result.offers.some((o) => o.callId === id) };
    } catch (err) {
      this.deps.route(id, undefined);
      if (!forTransfer) {
        this.record.end(this.visit!.segment, this.deps.now(), 'refused');
        this.visit = previous;
      }
      throw err;
    }
  }

  /** A tag of its own in the caller's media session for an operator's leg. */
  newLegTag(operatorId: string): string {
    this.legs += 1;
    return `op-${operatorId}-${this.legs}`;
  }

  /** A fresh routing id for the call's next visit, already routed to this call. */
  newVisit(): string {
    this.visits += 1;
    const id = this.visitId(this.visits);
    this.deps.route(id, this.owner);
    return id;
  }

  /**
   * Enqueues visit `id`, keeping the call's arrival. Offers for it (`offer()`) wait until the routing
   * core has answered; a refusal is handled by the caller, which awaits the returned promise.
   */
  enqueueVisit(id: string, queueId: string): Promise<EnqueueResult> {
    const enqueued = this.deps.acd.enqueue({ id, queueId, arrivedAt: this.arrivedAt });
    this.visitReady = enqueued.then(() => undefined, () => undefined); // only a gate: the outcome goes to the caller
    return enqueued;
  }

  endHold(): void {
    if (!this.hold) return;
    this.record.end(this.hold.segment, this.deps.now());
    this.hold = undefined;
    void this.media.music('hold', false);
    this.save();
  }

  /** An operator leaves the call (transfer done): their routing visit completes, their leg hangs up. */
  leave(t: Talking): void {
    this.record.end(t.segment, this.deps.now());
    t.leg.hangUp();
    void this.deps.acd.onHangup(t.visitId).catch((err) => this.log.warn({ err, operatorId: t.operatorId }, 'routing hang-up failed'));
    this.deps.route(t.visitId, undefined);
  }

  /** Saves a snapshot of the record; saves run in order, a failed one is logged (the next one carries it). */
  save(): void {
    const snapshot = this.record.snapshot();
    this.saving = this.saving.then(() => this.deps.records.saveCall(snapshot)).catch((err) => {
      this.log.warn({ err }, 'the call record could not be saved');
    });
  }

  notify(phase: CallNotice['phase'], operatorId?: string, extra: Partial<CallNotice> = {}): void {
    const waitSeconds = Math.round((this.deps.now() - this.arrivedAt) / 1000);
    this.deps.notify?.({
      callId: this.callId, phase, queue: this.visit?.queue ?? this.inbound.queue, caller: this.inbound.caller, waitSeconds,
      ...(operatorId ? { operatorId } : {}), ...extra,
    });
  }

  to(phase: CallPhase): void {
    this.phase = nextPhase(this.phase, phase, this.callId);
    this.phaseSince = this.deps.now();
  }
}
