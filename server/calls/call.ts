/**
 * One inbound call, from the trunk's INVITE to the last BYE. The call owns its legs (the caller and
 * the operator talking with it; a transfer target while it rings), one media session, and its
 * record. Its steps: answer (park, music) → queue → offer → connected (hold, DTMF) → transfer (to a
 * queue: queued again; to an operator: ringing the target while the caller hears music, back to the
 * first operator when it fails) → ended. Every exit path closes every leg and the media session,
 * releases the routing state and writes the outcome.
 */
import { isMediaError } from '../../media';
import { ID_PATTERN, isAppError, type Acd, type EnqueueResult, type OfferEvent } from '../routing';
import type { CallOutcome } from '../records/model';
import { CallMedia, type MediaPort } from './call-media';
import { nextPhase, type CallPhase } from './call-state';
import { directQueueId } from './direct-queues';
import { ConferenceRoom, type MixerPort } from './conference-room';
import { Consultation } from './consultation';
import { ExternalJoinError, joinExternal, type JoinedExternal } from './external-transfer';
import {
  OfferRefusedError, isDialFailure, type Answered, type CallRecordSink, type Directory, type ExternalDialer, type InboundCall, type OperatorCall,
  type OperatorDialer, type OperatorLeg, type TransferRequest,
} from './ports';
import { legProfile, noAnswerCause } from './operator-device';
import { CallRecordBuilder } from './record-builder';
import { resolveTransferTarget } from './transfer-target';

export interface CallLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  child(bindings: object): CallLogger;
}

/** What a call tells the event stream: offered to, answered by, held, transferred, ended. */
export interface CallNotice {
  callId: string;
  operatorId?: string;
  phase: 'offered' | 'answered' | 'held' | 'resumed' | 'transferred' | 'dtmf' | 'ended';
  queue: string;
  caller: string;
  waitSeconds: number;
  /** The digit the caller sent (phase `dtmf`). */
  digit?: string;
}

/** A live call as the HTTP API shows it. */
export interface LiveCallView {
  callId: string;
  queue: string;
  caller: string;
  state: 'queued' | 'ringing' | 'connected';
  operatorId?: string;
  held?: boolean;
  since: number;
  /** Every operator the call has been offered to so far (ringing now or earlier, the one talking included). */
  offeredTo?: readonly string[];
}

export interface CallDeps {
  acd: Acd;
  media: MediaPort;
  dialer: OperatorDialer;
  /** Calls numbers outside through an outbound trunk; without it a transfer to a number is refused (501). */
  external?: ExternalDialer;
  records: CallRecordSink;
  directory: Directory;
  now: () => number;
  /** A fresh unique id (routing ids of calls whose SIP Call-ID cannot be one). */
  newId: () => string;
  log: CallLogger;
  /** The conference mixer; without it conferences are refused. */
  mixer?: MixerPort;
  /** Absolute path of what the caller hears while queued or held. */
  holdMusic: string;
  /** Which Switchboard instance runs the call (written in its record). */
  instanceId: string;
  /** The routing core's id of a queue visit now belongs to this call (or no longer, with `undefined`). */
  route: (visitId: string, call: Call | undefined) => void;
  onEnded: (call: Call) => void;
  /** Rewrites the operator's SDP offer before the relay sees it (e.g. drops ICE candidates). */
  browserOffer?: (sdp: string) => string;
  notify?: (notice: CallNotice) => void;
}

interface Talking {
  operatorId: string;
  leg: OperatorLeg;
  /** The routing visit the operator answered (their wrap-up follows its queue). */
  visitId: string;
  segment: number;
  /** The leg's tag in the caller's media session (set when it was connected to the caller; absent for a conference party). */
  legTag?: string;
}

interface PendingTransfer {
  visitId: string;
  request: TransferRequest;
  segment: number;
}

const HOLD_DIRECTION = /^a=(sendonly|inactive)\s*$/m;

export class Call {
  phase: CallPhase = 'answering';
  private readonly arrivedAt: number;
  private readonly log: CallLogger;
  private readonly media: CallMedia;
  private readonly record: CallRecordBuilder;
  private phaseSince: number;
  /** The current queue visit in the routing core. */
  private visit: { id: string; queue: string; segment: number } | undefined;
  private visits = 0;
  /** Operator legs joined to the caller's media session so far (each gets a tag of its own). */
  private legs = 0;
  /** Resolves once the visit being enqueued is known (offers for it wait for this). */
  private visitReady: Promise<unknown> = Promise.resolve();
  private talking: Talking | undefined;
  private transfer: PendingTransfer | undefined;
  private dialing: AbortController | undefined;
  private hold: { segment: number } | undefined;
  private saving: Promise<void> = Promise.resolve();
  private routingBase: string | undefined;
  private consultation: { c: Consultation; segment: number } | undefined;
  /** A conference of the caller and the operators in `parties`. */
  private room: { r: ConferenceRoom; segment: number; parties: Map<string, Talking> } | undefined;
  /** The caller has gone (or the call is being ended): nothing may start or report an offer any more. */
  private ending = false;
  /** A move of the call to a new media session after the relay lost it (see relayLost()). */
  private restoring: Promise<'restored' | 'lost'> | undefined;
  /** The relay lost the session before the caller was answered: moved once the answer is out. */
  private lostWhileAnswering = false;
  /** The caller handed to a number outside (a completed transfer through the outbound trunk). */
  private external: JoinedExternal | undefined;

  constructor(readonly inbound: InboundCall, private readonly deps: CallDeps) {
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
  private visitId(n: number): string {
    this.routingBase ??= ID_PATTERN.test(this.callId) && this.callId.length <= 60 ? this.callId : `call-${this.deps.newId()}`;
    return n === 1 ? this.routingBase : `${this.routingBase}.${n}`;
  }

  /** The phase, read afresh (not narrowed by earlier checks: it changes across awaits). */
  private get current(): CallPhase {
    return this.phase;
  }

  view(): LiveCallView | undefined {
    if (this.phase === 'ended' || this.phase === 'answering') return undefined;
    const state = this.phase === 'offering' ? 'ringing' : this.phase === 'transferring' ? 'connected' : this.phase;
    return {
      callId: this.callId, queue: this.visit?.queue ?? this.inbound.queue, caller: this.inbound.caller, state, since: this.phaseSince,
      ...(this.talking ? { operatorId: this.talking.operatorId } : {}), ...(this.hold ? { held: true } : {}),
      offeredTo: this.record.operators(),
    };
  }

  async start(): Promise<void> {
    const { inbound } = this;
    this.save();
    let answerSdp: string;
    try {
      answerSdp = await this.media.park(inbound.offerSdp);
    } catch (err) {
      this.log.warn({ err }, 'media refused the call');
      inbound.leg.refuse(isMediaError(err) && err.isSdpRejection ? 'media-failed' : 'internal-error');
      return this.finish('failed');
    }
    inbound.leg.onHangup(() => void this.callerHungUp());
    inbound.leg.onOffer((sdp) => this.newOffer(this.media.callerTag, sdp, 'trunk'));
    inbound.leg.onDtmf((d) => this.notify('dtmf', this.talking?.operatorId, { digit: d.digit }));
    try {
      await inbound.leg.answer(answerSdp);
      this.record.setupMs = this.deps.now() - this.arrivedAt;
    } catch {
      return this.finish('abandoned'); // the caller gave up before our 200 went out
    }
    if (this.current === 'ended') return;
    if (this.lostWhileAnswering && (await this.relayLost()) === 'lost') return;
    await this.media.music('queue', true);
    this.to('queued');
    try {
      await this.enqueue(inbound.queue);
    } catch (err) {
      const full = isAppError(err) && err.code === 'ERR_QUEUE_FULL';
      if (full) this.log.info({}, 'queue full: the caller is told busy');
      else this.log.warn({ err }, 'could not queue the call');
      inbound.leg.hangUp();
      return this.finish(full ? 'busy' : 'failed');
    }
  }

  /**
   * Starts a queue visit in the routing core (for a transfer to an operator: a visit of their direct
   * queue); throws what `Acd.enqueue` throws (ERR_QUEUE_FULL…). The visit is known before the routing
   * core answers, so an offer it makes at once finds it.
   */
  private async enqueue(queueId: string, forTransfer = false): Promise<{ id: string; offered: boolean }> {
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
  private newLegTag(operatorId: string): string {
    this.legs += 1;
    return `op-${operatorId}-${this.legs}`;
  }

  /** A fresh routing id for the call's next visit, already routed to this call. */
  private newVisit(): string {
    this.visits += 1;
    const id = this.visitId(this.visits);
    this.deps.route(id, this);
    return id;
  }

  /**
   * Enqueues visit `id`, keeping the call's arrival. Offers for it (`offer()`) wait until the routing
   * core has answered; a refusal is handled by the caller, which awaits the returned promise.
   */
  private enqueueVisit(id: string, queueId: string): Promise<EnqueueResult> {
    const enqueued = this.deps.acd.enqueue({ id, queueId, arrivedAt: this.arrivedAt });
    this.visitReady = enqueued.then(() => undefined, () => undefined); // only a gate: the outcome goes to the caller
    return enqueued;
  }

  /** The routing core offers a queue visit of this call to operators: ring their devices. */
  async offer(ev: OfferEvent): Promise<void> {
    await this.visitReady;
    if (this.consultation && ev.callId === this.consultation.c.visitId) return this.consultation.c.ring(ev);
    if (this.current === 'queued' && ev.callId === this.visit?.id) return this.ring(ev, false);
    if (this.current === 'transferring' && ev.callId === this.transfer?.visitId) return this.ring(ev, true);
  }

  private async ring(ev: OfferEvent, forTransfer: boolean): Promise<void> {
    const { acd, dialer, now } = this.deps;
    const ref = (operatorId: string) => ({ callId: ev.callId, operatorId, token: ev.token });
    if (!forTransfer) this.to('offering');
    const abort = new AbortController();
    this.dialing = abort;
    const waitSeconds = Math.round((now() - this.arrivedAt) / 1000);
    const offered = new Map(ev.operatorIds.map((op) => [op, this.record.begin('offered', now(), { operatorId: op, queue: ev.queueId })]));
    for (const operatorId of ev.operatorIds) this.notify('offered', operatorId);
    const stillWanted = () => !this.ending && (forTransfer ? this.current === 'transferring' && this.transfer?.visitId === ev.callId : this.current === 'offering');
    let answered: Answered | undefined;
    let connected = false;
    try {
      answered = await dialer.dial({
        operatorIds: ev.operatorIds,
        headers: {
          'X-Switchboard-Call-Id': this.callId,
          'X-Switchboard-Queue': forTransfer ? (this.visit?.queue ?? this.inbound.queue) : ev.queueId,
          'X-Switchboard-Caller': this.inbound.caller,
          'X-Switchboard-Wait': String(waitSeconds),
          'X-Switchboard-Arrived': String(this.arrivedAt),
          ...(forTransfer && this.talking ? { 'X-Switchboard-Transferred-By': this.talking.operatorId } : {}),
        },
        ringTimeoutMs: Math.max(1000, ev.expiresAt - now()),
        signal: abort.signal,
        onRinging: (operatorId) => void acd.onRinging(ref(operatorId)).catch((err) => this.log.warn({ err, operatorId }, 'routing ringing report failed')),
      });
      if (!stillWanted()) throw Object.assign(new Error('the call moved on while the operator answered'), { reason: 'canceled', status: 487 });
      const legTag = this.newLegTag(answered.operatorId);
      const from = legProfile(answered.device);
      const offer = from === 'browser' && this.deps.browserOffer ? this.deps.browserOffer(answered.offer) : answered.offer;
      const answerSdp = await this.media.connect(legTag, offer, from);
      connected = true;
      const leg = await answered.connect(answerSdp);
      for (const [op, seg] of offered) this.record.end(seg, now(), op === answered.operatorId ? 'answered' : 'canceled');
      if (!stillWanted()) {
        leg.hangUp(); // the caller left while we were connecting
        return;
      }
      const previous = this.talking;
      this.dialing = undefined;
      this.talk(answered.operatorId, leg, legTag, ev.callId);
      await acd.onAnswered(ref(answered.operatorId));
      if (forTransfer) this.transferDone(previous);
      else await this.media.music('queue', false);
      if (this.hold) this.endHold(); // a held call handed on is no longer held
      this.to('connected');
      this.notify('answered', answered.operatorId);
      this.log.info({ operatorId: answered.operatorId, waitSeconds, transfer: forTransfer }, 'answered');
    } catch (err) {
      const reason = isDialFailure(err) ? err.reason : 'failed';
      for (const seg of offered.values()) this.record.end(seg, now(), reason);
      if (answered && !connected) {
        // a 2xx we cannot use is ACKed and hung up all the same (RFC 3261 §13.2.2.4)
        const why = err instanceof Error ? err.message : String(err);
        this.log.warn({ err, operatorId: answered.operatorId, device: answered.device ?? 'browser' }, `the operator's answer could not be used (${why}): ACK and BYE`);
        answered.abandon(why);
      } else if (!isDialFailure(err)) this.log.warn({ err }, 'connecting the operator failed');
      if (!stillWanted()) return;
      this.log.info({ operators: ev.operatorIds, reason }, forTransfer ? 'transfer target did not answer' : 'offer not answered: back to the queue');
      if (forTransfer) return await this.transferFailed(isDialFailure(err) ? err.status : 500, reason);
      // a device's busy or decline pauses with that reason; our own failure does not pause at all.
      // Queued first: routing may offer the call again (to the same operator, not paused) at once.
      const cause = noAnswerCause(err, answered !== undefined);
      this.to('queued');
      for (const op of ev.operatorIds) {
        await acd.onNoAnswer(ref(op), cause).catch((e) => this.log.warn({ err: e, operatorId: op }, 'routing no-answer report failed'));
      }
    } finally {
      if (this.dialing === abort) this.dialing = undefined;
    }
  }

  /** An operator now talks with the caller: their leg's hold, DTMF, transfer and hang-up reach the call. */
  private talk(operatorId: string, leg: OperatorLeg, legTag: string, visitId: string): void {
    const talking: Talking = { operatorId, leg, legTag, visitId, segment: this.record.begin('answered', this.deps.now(), { operatorId }) };
    this.talking = talking;
    this.record.answered(operatorId, this.deps.now());
    leg.onHangup(() => void this.operatorHungUp(talking));
    leg.onOffer((sdp) => this.newOffer(legTag, sdp, legProfile(leg.device), talking));
    leg.onDtmf(async (d) => {
      try {
        await this.media.dtmfToCaller(d.digit, d.durationMs);
      } catch (err) {
        this.log.warn({ err, digit: d.digit }, 'DTMF to the caller failed');
        throw err; // the INFO is answered with an error: the operator's phone tells them
      }
    });
    leg.onTransfer((request) => void this.transferRequested(talking, request).catch((err: unknown) => {
      // a bug, not an outcome: the device hears of it, the call goes on as it is
      this.log.warn({ err, target: request.target }, 'the transfer failed unexpectedly');
      request.progress(500, 'Server Internal Error');
    }));
    this.save();
  }

  /** A new offer from a leg in the call: answered by the media relay; an operator's hold plays music to the caller. */
  private async newOffer(legTag: string, sdp: string, from: 'trunk' | 'browser', by?: Talking): Promise<string> {
    if (this.current === 'ended') throw new OfferRefusedError('the call has ended');
    if (this.room && by && this.room.parties.has(by.operatorId)) return this.conferenceOffer(by.operatorId, sdp);
    let answer: string;
    try {
      answer = await this.media.update(legTag, from === 'browser' && this.deps.browserOffer ? this.deps.browserOffer(sdp) : sdp, from);
    } catch (err) {
      if (isMediaError(err) && err.isSdpRejection) throw new OfferRefusedError(err.message, { cause: err });
      throw err;
    }
    if (by && by === this.talking) {
      const holding = HOLD_DIRECTION.test(sdp);
      if (holding && !this.hold) {
        this.hold = { segment: this.record.begin('held', this.deps.now(), { operatorId: by.operatorId }) };
        await this.media.music('hold', true);
        this.notify('held', by.operatorId);
        this.save();
      } else if (!holding && this.hold) {
        this.endHold();
        this.notify('resumed', by.operatorId);
      }
    }
    return answer;
  }

  private async conferenceOffer(operatorId: string, sdp: string): Promise<string> {
    try {
      return await this.room!.r.update(operatorId, sdp);
    } catch (err) {
      if (isMediaError(err) && err.isSdpRejection) throw new OfferRefusedError(err.message, { cause: err });
      throw err;
    }
  }

  private endHold(): void {
    if (!this.hold) return;
    this.record.end(this.hold.segment, this.deps.now());
    this.hold = undefined;
    void this.media.music('hold', false);
    this.save();
  }

  private async transferRequested(by: Talking, request: TransferRequest): Promise<void> {
    if (this.current !== 'connected' || this.talking !== by) return request.progress(491, 'Request Pending');
    if (this.room) return request.progress(403, 'Forbidden'); // leave the conference instead
    if (request.replaces) return this.completeAttended(by, request, request.replaces);
    const target = resolveTransferTarget(request.target, this.deps.directory);
    if (target.kind === 'unknown') return request.progress(404, 'Not Found');
    if (target.kind === 'number' && !this.deps.external) return request.progress(501, 'Not Implemented'); // no outbound trunk
    if (target.kind === 'operator' && target.id === by.operatorId) return request.progress(403, 'Forbidden');
    const segment = this.record.begin('transferred', this.deps.now(), { operatorId: by.operatorId, target: `${target.kind}:${target.id}` });
    this.transfer = { visitId: '', request, segment };
    await this.media.music('transfer', true);
    // the caller or the operator may have hung up meanwhile: the call's ending answered the REFER (487)
    if (this.current !== 'connected' || this.transfer?.request !== request) return;
    if (target.kind === 'queue') return this.transferToQueue(by, target.id);
    this.to('transferring');
    if (target.kind === 'number') return this.transferToNumber(target.id);
    try {
      const visit = await this.enqueue(directQueueId(target.id), true);
      if (!visit.offered) await this.transferFailed(486, 'busy'); // the target is not free
    } catch (err) {
      this.log.warn({ err, target: target.id }, 'transfer to an operator failed');
      await this.transferFailed(500, 'failed');
    }
  }

  private async transferToQueue(by: Talking, queueId: string): Promise<void> {
    const transfer = this.transfer!;
    this.to('queued');
    try {
      await this.enqueue(queueId);
    } catch (err) {
      const full = isAppError(err) && err.code === 'ERR_QUEUE_FULL';
      if (!full) this.log.warn({ err, queueId }, 'transfer to a queue failed');
      this.record.end(transfer.segment, this.deps.now(), 'failed');
      this.transfer = undefined;
      transfer.request.progress(full ? 486 : 500, full ? 'Busy Here' : 'Server Internal Error');
      await this.media.music('transfer', false);
      if (this.current === 'queued' && this.talking === by) this.to('connected');
      return;
    }
    await this.media.music('queue', true);
    if (this.hold) this.endHold();
    this.talking = undefined;
    this.transferDone(by);
  }

  /**
   * Dials the number through the outbound trunk while the caller hears music. Answered: the caller
   * talks with the far party and the operator leaves for wrap-up. Busy, unknown, no answer or a
   * failure: the caller goes back to the operator (or to its queue when the operator left meanwhile).
   */
  private async transferToNumber(number: string): Promise<void> {
    const transfer = this.transfer;
    const abort = new AbortController();
    this.dialing = abort;
    const stillWanted = () => !this.ending && this.current === 'transferring' && this.transfer === transfer;
    this.legs += 1;
    let joined: JoinedExternal;
    try {
      joined = await joinExternal({
        dialer: this.deps.external!, media: this.media, number, callerNumber: this.inbound.caller, legTag: `ext-${this.legs}`,
        signal: abort.signal, stillWanted,
        headers: { 'X-Switchboard-Call-Id': this.callId, ...(this.talking ? { 'X-Switchboard-Transferred-By': this.talking.operatorId } : {}) },
      });
    } catch (err) {
      if (err instanceof ExternalJoinError && err.mediaMoved && this.talking && !this.ending) await this.rejoin(this.talking);
      if (!stillWanted()) return;
      const reason = isDialFailure(err) ? err.reason : 'failed';
      if (!isDialFailure(err)) this.log.warn({ err, number }, 'the number answered but could not be joined');
      this.log.info({ number, reason }, 'transfer to a number failed');
      return await this.transferFailed(isDialFailure(err) ? err.status : 500, reason);
    } finally {
      if (this.dialing === abort) this.dialing = undefined;
    }
    const previous = this.talking;
    this.external = joined;
    joined.leg.onHangup(() => void this.externalHungUp());
    joined.leg.onOffer((sdp) => this.newOffer(joined.legTag, sdp, 'trunk'));
    joined.leg.onDtmf((d) => this.media.dtmfToCaller(d.digit, d.durationMs));
    this.talking = undefined;
    if (this.hold) this.endHold();
    this.to('connected');
    this.transferDone(previous);
    this.log.info({ number: joined.number, trunkId: joined.trunkId }, 'transferred to a number');
  }

  /** Joins an operator's device to the caller again (a re-INVITE without SDP) after the media session was taken from it. */
  private async rejoin(t: Talking): Promise<void> {
    try {
      if (!t.legTag) throw new Error('the operator has no leg in the caller\'s media session');
      const tag = t.legTag;
      await t.leg.renegotiate((offer) => this.media.connect(tag, this.deps.browserOffer ? this.deps.browserOffer(offer) : offer));
    } catch (err) {
      // the operator cannot hear the caller any more: they leave, the caller waits in its queue again
      this.log.warn({ err, operatorId: t.operatorId }, 'the operator could not be joined to the caller again');
      t.leg.hangUp();
      await this.operatorHungUp(t);
    }
  }

  /** The far party of a transfer to a number hung up: the call ends. */
  private async externalHungUp(): Promise<void> {
    if (this.phase === 'ended') return;
    this.inbound.leg.hangUp();
    await this.finish('transferred-out');
  }

  /** The transfer succeeded: the transferring operator leaves the call for wrap-up. */
  private transferDone(previous: Talking | undefined): void {
    const transfer = this.transfer;
    this.transfer = undefined;
    if (transfer) {
      this.record.end(transfer.segment, this.deps.now(), 'completed');
      transfer.request.progress(200, 'OK');
    }
    void this.media.music('transfer', false);
    if (previous && previous !== this.talking) this.leave(previous);
    this.notify('transferred', previous?.operatorId);
    this.save();
  }

  /** The transfer target was busy, did not answer or declined: the caller goes back to the operator. */
  private async transferFailed(status: number, reason: string): Promise<void> {
    const transfer = this.transfer;
    if (!transfer) return;
    this.transfer = undefined;
    if (transfer.visitId) {
      this.deps.route(transfer.visitId, undefined);
      // out of routing at once, so the target is freed and not offered this visit again
      await this.deps.acd.onAbandoned(transfer.visitId).catch((err) => this.log.warn({ err }, 'routing abandon failed'));
    }
    this.record.end(transfer.segment, this.deps.now(), 'failed');
    const sip = status === 486 || reason === 'busy' ? [486, 'Busy Here'] as const
      : status === 404 || status === 484 ? [404, 'Not Found'] as const // a number the trunk does not know
      : reason === 'no-answer' ? [408, 'Request Timeout'] as const
        : reason === 'declined' ? [603, 'Decline'] as const : [480, 'Temporarily Unavailable'] as const;
    transfer.request.progress(sip[0], sip[1]);
    if (this.talking) {
      await this.media.music('transfer', false);
      this.to('connected');
      this.log.info({ reason }, 'transfer failed: the caller is back with the operator');
    } else {
      // the transferring operator left meanwhile: the caller waits in its queue again, never dropped
      await this.media.music('queue', true);
      await this.media.music('transfer', false);
      this.to('queued');
      try {
        await this.enqueue(this.visit?.queue ?? this.inbound.queue);
      } catch (err) {
        this.log.warn({ err }, 'could not queue the call again after a failed transfer');
        this.inbound.leg.hangUp();
        await this.finish(this.record.snapshot().answeredAt ? 'answered' : 'failed');
      }
    }
    this.save();
  }

  /** An operator leaves the call (transfer done): their routing visit completes, their leg hangs up. */
  private leave(t: Talking): void {
    this.record.end(t.segment, this.deps.now());
    t.leg.hangUp();
    void this.deps.acd.onHangup(t.visitId).catch((err) => this.log.warn({ err, operatorId: t.operatorId }, 'routing hang-up failed'));
    this.deps.route(t.visitId, undefined);
  }

  /**
   * The talking operator turns their consultation into a conference: the caller, they and the
   * colleague each join the mixer and hear the other two.
   */
  async conference(operatorId: string): Promise<'ok' | 'not-talking' | 'no-consultation' | 'unavailable'> {
    const by = this.talking;
    if (this.current !== 'connected' || !by || by.operatorId !== operatorId || this.room) return 'not-talking';
    if (!this.deps.mixer) return 'unavailable';
    const consultation = this.consultation;
    const handed = await consultation?.c.handOver();
    if (!consultation || !handed) return 'no-consultation';
    const { now } = this.deps;
    this.consultation = undefined;
    this.record.end(consultation.segment, now(), 'conference');
    const r = new ConferenceRoom(this.callId, {
      mixer: this.deps.mixer, media: this.deps.media, log: this.log,
      ...(this.deps.browserOffer ? { browserOffer: this.deps.browserOffer } : {}),
    });
    const colleague: Talking = {
      operatorId: handed.operatorId, leg: handed.leg, visitId: handed.visitId,
      segment: this.record.begin('answered', now(), { operatorId: handed.operatorId }),
    };
    this.room = {
      r, segment: this.record.begin('conference', now(), { operatorId: by.operatorId, target: `operator:${handed.operatorId}` }),
      parties: new Map([[by.operatorId, by], [colleague.operatorId, colleague]]),
    };
    handed.leg.onHangup(() => void this.operatorHungUp(colleague));
    handed.leg.onOffer((sdp) => this.newOffer('', sdp, 'browser', colleague));
    try {
      await r.joinCaller((offer) => this.media.connect('mixer', offer, 'trunk'));
      if (this.hold) this.endHold(); // the caller hears the conference, not the music
      await r.joinOperator(by.operatorId, by.leg);
      await r.joinOperator(colleague.operatorId, colleague.leg);
    } catch (err) {
      // the parties could not all be joined: end the call rather than leave anyone in silence
      this.log.warn({ err }, 'the conference could not be set up');
      this.inbound.leg.hangUp();
      await this.callerHungUp();
      return 'unavailable';
    }
    this.notify('answered', colleague.operatorId);
    this.log.info({ operators: [...this.room.parties.keys()] }, 'conference started');
    this.save();
    return 'ok';
  }

  /** An operator left the conference: the others stay; when no operator is left the call ends. */
  private async partyLeft(t: Talking): Promise<void> {
    const room = this.room;
    if (!room || !room.parties.delete(t.operatorId)) return;
    const { now } = this.deps;
    this.record.end(t.segment, now());
    await room.r.leave(t.operatorId);
    await this.deps.acd.onHangup(t.visitId).catch((err) => this.log.warn({ err }, 'routing hang-up failed'));
    this.deps.route(t.visitId, undefined);
    if (this.talking === t) this.talking = room.parties.values().next().value;
    if (room.parties.size > 0) {
      this.save();
      return;
    }
    this.record.end(room.segment, now());
    this.inbound.leg.hangUp();
    await this.finish('answered');
  }

  /** The routing core took the offer back (the caller left, the operator logged out…). */
  withdraw(visitId: string): void {
    if (visitId === this.visit?.id || visitId === this.transfer?.visitId) this.dialing?.abort();
    if (visitId === this.consultation?.c.visitId) this.consultation.c.withdraw();
  }

  /**
   * The talking operator's device calls a colleague about this call (a consultation): the colleague
   * is rung through their direct queue; the caller stays as it is (held by the operator, with music).
   */
  async consult(opCall: OperatorCall): Promise<void> {
    const by = this.talking;
    if (this.current !== 'connected' || !by || by.operatorId !== opCall.operatorId || this.consultation) {
      opCall.leg.refuse('source-not-allowed');
      return;
    }
    const target = resolveTransferTarget(opCall.target, this.deps.directory);
    if (target.kind !== 'operator' || target.id === by.operatorId) {
      opCall.leg.refuse(target.kind === 'unknown' ? 'unknown-number' : 'no-route');
      return;
    }
    const { acd, now } = this.deps;
    const visitId = this.newVisit();
    const c = new Consultation(opCall, target.id, visitId, {
      acd, media: this.deps.media, dialer: this.deps.dialer, now, log: this.log,
      unroute: (id) => this.deps.route(id, undefined),
      ...(this.deps.browserOffer ? { browserOffer: this.deps.browserOffer } : {}),
    });
    const consultation = { c, segment: this.record.begin('consult', now(), { operatorId: by.operatorId, target: `operator:${target.id}` }) };
    this.consultation = consultation;
    c.onEnded = () => {
      this.record.end(consultation.segment, now(), 'ended');
      if (this.consultation === consultation) this.consultation = undefined;
      this.save();
    };
    try {
      const result = await this.enqueueVisit(visitId, directQueueId(target.id));
      if (!result.offers.some((o) => o.callId === visitId)) {
        opCall.leg.refuse('busy'); // the colleague is not free
        await c.end('busy');
      }
    } catch (err) {
      this.log.warn({ err, target: target.id }, 'consultation could not start');
      opCall.leg.refuse('internal-error');
      await c.end('failed');
    }
    this.save();
  }

  /**
   * REFER with Replaces naming the consultation: the colleague's leg is moved into the caller's media
   * session (a re-INVITE without SDP, answered in the ACK) and the operator leaves for wrap-up.
   */
  private async completeAttended(by: Talking, request: TransferRequest, replaces: NonNullable<TransferRequest['replaces']>): Promise<void> {
    const consultation = this.consultation;
    if (!consultation || !consultation.c.matches(replaces)) return request.progress(481, 'Call/Transaction Does Not Exist');
    const { now } = this.deps;
    const segment = this.record.begin('transferred', now(), { operatorId: by.operatorId, target: `operator:${consultation.c.targetOperatorId}` });
    const handed = await consultation.c.handOver();
    if (!handed) {
      this.record.end(segment, now(), 'failed');
      return request.progress(480, 'Temporarily Unavailable'); // the colleague has not answered yet
    }
    this.consultation = undefined;
    this.record.end(consultation.segment, now(), 'completed');
    const legTag = this.newLegTag(handed.operatorId);
    try {
      await handed.leg.renegotiate((offer) => this.media.connect(legTag, this.deps.browserOffer ? this.deps.browserOffer(offer) : offer));
    } catch (err) {
      this.log.warn({ err }, 'the colleague could not be joined to the caller');
      handed.leg.hangUp();
      await this.deps.acd.onHangup(handed.visitId).catch((e) => this.log.warn({ err: e }, 'routing hang-up failed'));
      this.deps.route(handed.visitId, undefined);
      this.record.end(segment, now(), 'failed');
      this.save();
      return request.progress(500, 'Server Internal Error');
    }
    this.talk(handed.operatorId, handed.leg, legTag, handed.visitId);
    if (this.hold) this.endHold();
    this.record.end(segment, now(), 'completed');
    request.progress(200, 'OK');
    this.leave(by);
    this.notify('transferred', by.operatorId);
    this.notify('answered', handed.operatorId);
    this.log.info({ from: by.operatorId, to: handed.operatorId }, 'attended transfer completed');
    this.save();
  }

  /** Ends the call from the server side (shutdown, forced logout). */
  hangUp(): void {
    if (this.phase === 'ended') return;
    this.inbound.leg.hangUp();
    void this.callerHungUp();
  }

  /**
   * The media relay lost this call's session (rtpengine restarted): the caller and the talking
   * operator are moved to a new session by offerless re-INVITEs (each leg offers again, the relay
   * answers in the ACK) and the music comes back where it played. When a leg cannot be moved, or
   * the call is in a conference, the call ends with outcome `media-lost`: every leg is hung up, the
   * operator goes to wrap-up. Nobody is left connected in silence.
   */
  relayLost(): Promise<'restored' | 'lost'> {
    if (this.phase === 'ended') return Promise.resolve('lost');
    if (this.phase === 'answering' && !this.lostWhileAnswering) {
      this.lostWhileAnswering = true; // start() moves it once the caller is answered
      return Promise.resolve('restored');
    }
    this.restoring ??= this.restoreMedia().finally(() => { this.restoring = undefined; });
    return this.restoring;
  }

  private async restoreMedia(): Promise<'restored' | 'lost'> {
    this.lostWhileAnswering = false;
    const phase = this.phase;
    this.log.warn({ phase, operatorId: this.talking?.operatorId }, 'the media relay lost the call: moving it to a new media session');
    if (this.room) return this.endMediaLost('a conference is not moved');
    try {
      this.media.relayLost();
      await this.consultation?.c.end('the media relay lost the consultation');
      await this.inbound.leg.renegotiate((offer) => this.media.park(offer));
      const t = this.talking;
      if (t && t.legTag !== undefined) {
        const tag = t.legTag;
        await t.leg.renegotiate((offer) => this.media.connect(tag, this.deps.browserOffer ? this.deps.browserOffer(offer) : offer));
      }
      await this.media.resumeMusic();
    } catch (err) {
      this.log.warn({ err }, 'a leg could not be moved to a new media session');
      return this.endMediaLost('a leg could not be moved');
    }
    if (this.current === 'ended') return 'lost';
    this.log.info({ phase: this.phase, operatorId: this.talking?.operatorId }, 'media restored on a new session');
    return 'restored';
  }

  /** Ends the call because its media is gone: outcome `media-lost`. */
  async endMediaLost(why = 'the media relay did not come back'): Promise<'lost'> {
    if (this.phase === 'ended') return 'lost';
    this.log.warn({ why }, 'media lost: ending the call');
    if (this.phase === 'answering') this.inbound.leg.refuse('media-failed');
    else this.inbound.leg.hangUp();
    await this.callerHungUp('media-lost');
    return 'lost';
  }

  private async callerHungUp(outcome?: CallOutcome): Promise<void> {
    if (this.phase === 'ended') return;
    const { acd } = this.deps;
    const phase = this.phase;
    this.ending = true;
    this.dialing?.abort();
    const warn = (what: string) => (err: unknown) => this.log.warn({ err }, what);
    if (this.transfer?.visitId) await acd.onAbandoned(this.transfer.visitId).catch(warn('routing abandon failed'));
    this.transfer?.request.progress(487, 'Request Terminated');
    await this.consultation?.c.end('the caller hung up');
    if (this.external) {
      this.external.leg.hangUp();
      return this.finish('transferred-out');
    }
    if (this.room) {
      for (const p of this.room.parties.values()) await acd.onHangup(p.visitId).catch(warn('routing hang-up failed'));
      await this.room.r.close();
    } else if (this.talking) {
      this.talking.leg.hangUp();
      await acd.onHangup(this.talking.visitId).catch(warn('routing hang-up failed'));
    } else if ((phase === 'queued' || phase === 'offering') && this.visit) {
      await acd.onAbandoned(this.visit.id).catch(warn('routing abandon failed'));
    }
    return this.finish(outcome ?? (this.record.snapshot().answeredAt !== undefined ? 'answered' : 'abandoned'));
  }

  private async operatorHungUp(t: Talking): Promise<void> {
    if (this.phase === 'ended') return;
    if (this.room?.parties.has(t.operatorId)) return this.partyLeft(t);
    if (this.talking !== t) return;
    this.record.end(t.segment, this.deps.now());
    this.talking = undefined;
    if (this.hold) this.endHold();
    await this.deps.acd.onHangup(t.visitId).catch((err) => this.log.warn({ err }, 'routing hang-up failed'));
    // a transfer is under way (the target rings, or the call is being queued): the caller waits for it
    if (this.current === 'transferring' || this.current === 'queued') return;
    this.inbound.leg.hangUp();
    return this.finish('answered');
  }

  private async finish(outcome: CallOutcome): Promise<void> {
    if (this.phase === 'ended') return;
    this.to('ended');
    const endedAt = this.deps.now();
    await this.consultation?.c.end('the call ended');
    await this.room?.r.close();
    this.external?.leg.hangUp();
    this.transfer = undefined;
    this.talking = undefined;
    for (let n = 1; n <= this.visits; n++) this.deps.route(this.visitId(n), undefined);
    await this.media.close();
    this.record.finish(outcome, endedAt);
    this.save();
    await this.saving;
    const record = this.record.snapshot();
    this.notify('ended', record.operatorId);
    this.log.info({ outcome, waitSeconds: record.waitSeconds, talkSeconds: record.talkSeconds, operatorId: record.operatorId }, 'call ended');
    this.deps.onEnded(this);
  }

  /** Saves a snapshot of the record; saves run in order, a failed one is logged (the next one carries it). */
  private save(): void {
    const snapshot = this.record.snapshot();
    this.saving = this.saving.then(() => this.deps.records.saveCall(snapshot)).catch((err) => {
      this.log.warn({ err }, 'the call record could not be saved');
    });
  }

  private notify(phase: CallNotice['phase'], operatorId?: string, extra: Partial<CallNotice> = {}): void {
    const waitSeconds = Math.round((this.deps.now() - this.arrivedAt) / 1000);
    this.deps.notify?.({
      callId: this.callId, phase, queue: this.visit?.queue ?? this.inbound.queue, caller: this.inbound.caller, waitSeconds,
      ...(operatorId ? { operatorId } : {}), ...extra,
    });
  }

  private to(phase: CallPhase): void {
    this.phase = nextPhase(this.phase, phase, this.callId);
    this.phaseSince = this.deps.now();
  }
}
