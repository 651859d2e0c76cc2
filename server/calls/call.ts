/**
 * One inbound call, from the trunk's INVITE to the last BYE. The call owns its legs (the caller and
 * the operator talking with it; a transfer target while it rings), one media session, and its
 * record. Its steps: answer (park, music) → queue → offer → connected (hold, DTMF) → transfer (to a
 * queue: queued again; to an operator: ringing the target while the caller hears music, back to the
 * first operator when it fails) → ended. Every exit path closes every leg and the media session,
 * releases the routing state and writes the outcome.
 *
 * This file keeps the steps every call runs (answer, queue, ring, talk, hold, hang-up, finish);
 * the state they share is `call-context.ts`, and the other steps are functions over it:
 * `call-transfer.ts`, `external-transfer.ts`, `call-consultation.ts`, `call-conference.ts`,
 * `call-recovery.ts`.
 */
import { isMediaError, type CodecPolicy } from '../../media';
import { isAppError, type Acd, type OfferEvent } from '../routing';
import type { CallOutcome } from '../records/model';
import { CallContext, type Talking } from './call-context';
import { conference, conferenceOffer, partyLeft } from './call-conference';
import { consult } from './call-consultation';
import { endMediaLost, relayLost } from './call-recovery';
import { transferDone, transferFailed, transferRequested } from './call-transfer';
import type { CallMediaOptions, MediaPort } from './call-media';
import type { CallPhase } from './call-state';
import type { MixerPort } from './conference-room';
import {
  OfferRefusedError, isDialFailure, type Answered, type CallRecordSink, type Directory, type ExternalDialer, type InboundCall, type OperatorCall,
  type OperatorDialer, type OperatorLeg,
} from './ports';
import { legProfile, noAnswerCause } from './operator-device';

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
  /** The routing core's id of the current queue visit (what a supervisor's actions on a waiting call name). */
  visitId?: string;
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
  /** The codec policy of an operator's leg in a queue (default: the relay's, avoid-transcoding). */
  codecPolicy?: (queue: string, operatorId: string) => CodecPolicy;
  /** Told the codecs of every leg connected to a caller (metrics). */
  onLegMedia?: CallMediaOptions['onLegMedia'];
  /** Rewrites the operator's SDP offer before the relay sees it (e.g. drops ICE candidates). */
  browserOffer?: (sdp: string) => string;
  notify?: (notice: CallNotice) => void;
}

const HOLD_DIRECTION = /^a=(sendonly|inactive)\s*$/m;

export class Call {
  private readonly c: CallContext;

  constructor(readonly inbound: InboundCall, private readonly deps: CallDeps) {
    this.c = new CallContext(this, inbound, deps, {
      finish: (outcome) => this.finish(outcome),
      callerHungUp: (outcome) => this.callerHungUp(outcome),
      operatorHungUp: (t) => this.operatorHungUp(t),
      newOffer: (legTag, sdp, from, by) => this.newOffer(legTag, sdp, from, by),
      talk: (operatorId, leg, legTag, visitId) => this.talk(operatorId, leg, legTag, visitId),
    });
  }

  get callId(): string {
    return this.inbound.callId;
  }

  /** The call's step (answering, queued, offering, connected, transferring, ended). */
  get phase(): CallPhase {
    return this.c.phase;
  }

  view(): LiveCallView | undefined {
    if (this.c.phase === 'ended' || this.c.phase === 'answering') return undefined;
    const state = this.c.phase === 'offering' ? 'ringing' : this.c.phase === 'transferring' ? 'connected' : this.c.phase;
    return {
      callId: this.callId, queue: this.c.visit?.queue ?? this.inbound.queue, caller: this.inbound.caller, state, since: this.c.phaseSince,
      ...(this.c.talking ? { operatorId: this.c.talking.operatorId } : {}), ...(this.c.hold ? { held: true } : {}),
      offeredTo: this.c.record.operators(),
      ...(this.c.visit ? { visitId: this.c.visit.id } : {}),
    };
  }

  /** The routing core moved the waiting visit to another queue (a supervisor did): a new queued segment begins. */
  movedTo(visitId: string, queueId: string): void {
    const { c } = this;
    if (c.visit?.id !== visitId || c.visit.queue === queueId) return;
    const now = c.deps.now();
    c.record.end(c.visit.segment, now, 'moved');
    c.visit = { id: visitId, queue: queueId, segment: c.record.begin('queued', now, { queue: queueId }) };
    c.log.info({ queueId }, 'moved to another queue');
    c.save();
  }

  async start(): Promise<void> {
    const { inbound } = this;
    this.c.save();
    let answerSdp: string;
    try {
      answerSdp = await this.c.media.park(inbound.offerSdp);
    } catch (err) {
      this.c.log.warn({ err }, 'media refused the call');
      inbound.leg.refuse(isMediaError(err) && err.isSdpRejection ? 'media-failed' : 'internal-error');
      return this.finish('failed');
    }
    inbound.leg.onHangup(() => void this.callerHungUp());
    inbound.leg.onOffer((sdp) => this.newOffer(this.c.media.callerTag, sdp, 'trunk'));
    inbound.leg.onDtmf((d) => this.c.notify('dtmf', this.c.talking?.operatorId, { digit: d.digit }));
    try {
      await inbound.leg.answer(answerSdp);
      this.c.record.setupMs = this.deps.now() - this.c.arrivedAt;
    } catch {
      return this.finish('abandoned'); // the caller gave up before our 200 went out
    }
    if (this.c.current === 'ended') return;
    if (this.c.lostWhileAnswering && (await relayLost(this.c)) === 'lost') return;
    await this.c.media.music('queue', true);
    this.c.to('queued');
    try {
      await this.c.enqueue(inbound.queue);
    } catch (err) {
      if ((this.c.current as CallPhase) === 'ended') return; // the caller left while the enqueue waited for the store
      const full = isAppError(err) && err.code === 'ERR_QUEUE_FULL';
      if (full) this.c.log.info({}, 'queue full: the caller is told busy');
      else this.c.log.warn({ err }, 'could not queue the call');
      inbound.leg.hangUp();
      return this.finish(full ? 'busy' : 'failed');
    }
  }

  /** The routing core offers a queue visit of this call to operators: ring their devices. */
  async offer(ev: OfferEvent): Promise<void> {
    await this.c.visitReady;
    if (this.c.consultation && ev.callId === this.c.consultation.c.visitId) return this.c.consultation.c.ring(ev);
    if (this.c.current === 'queued' && ev.callId === this.c.visit?.id) return this.ring(ev, false);
    if (this.c.current === 'transferring' && ev.callId === this.c.transfer?.visitId) return this.ring(ev, true);
  }

  private async ring(ev: OfferEvent, forTransfer: boolean): Promise<void> {
    const { acd, dialer, now } = this.deps;
    const ref = (operatorId: string) => ({ callId: ev.callId, operatorId, token: ev.token });
    if (!forTransfer) this.c.to('offering');
    const abort = new AbortController();
    this.c.dialing = abort;
    const waitSeconds = Math.round((now() - this.c.arrivedAt) / 1000);
    const offered = new Map(ev.operatorIds.map((op) => [op, this.c.record.begin('offered', now(), { operatorId: op, queue: ev.queueId })]));
    for (const operatorId of ev.operatorIds) this.c.notify('offered', operatorId);
    const stillWanted = () => !this.c.ending && (forTransfer ? this.c.current === 'transferring' && this.c.transfer?.visitId === ev.callId : this.c.current === 'offering');
    let answered: Answered | undefined;
    let connected = false;
    try {
      answered = await dialer.dial({
        operatorIds: ev.operatorIds,
        headers: {
          'X-Switchboard-Call-Id': this.callId,
          'X-Switchboard-Queue': forTransfer ? (this.c.visit?.queue ?? this.inbound.queue) : ev.queueId,
          'X-Switchboard-Caller': this.inbound.caller,
          'X-Switchboard-Wait': String(waitSeconds),
          'X-Switchboard-Arrived': String(this.c.arrivedAt),
          ...(forTransfer && this.c.talking ? { 'X-Switchboard-Transferred-By': this.c.talking.operatorId } : {}),
        },
        ringTimeoutMs: Math.max(1000, ev.expiresAt - now()),
        signal: abort.signal,
        onRinging: (operatorId) => void acd.onRinging(ref(operatorId)).catch((err) => this.c.log.warn({ err, operatorId }, 'routing ringing report failed')),
      });
      if (!stillWanted()) throw Object.assign(new Error('the call moved on while the operator answered'), { reason: 'canceled', status: 487 });
      const legTag = this.c.newLegTag(answered.operatorId);
      const from = legProfile(answered.device);
      const offer = from === 'browser' && this.deps.browserOffer ? this.deps.browserOffer(answered.offer) : answered.offer;
      const answerSdp = await this.c.media.connect(legTag, offer, from);
      connected = true;
      const leg = await answered.connect(answerSdp);
      for (const [op, seg] of offered) this.c.record.end(seg, now(), op === answered.operatorId ? 'answered' : 'canceled');
      if (!stillWanted()) {
        leg.hangUp(); // the caller left while we were connecting
        return;
      }
      const previous = this.c.talking;
      this.c.dialing = undefined;
      this.talk(answered.operatorId, leg, legTag, ev.callId);
      await acd.onAnswered(ref(answered.operatorId));
      if (forTransfer) transferDone(this.c, previous);
      else await this.c.media.music('queue', false);
      if (this.c.hold) this.c.endHold(); // a held call handed on is no longer held
      this.c.to('connected');
      this.c.notify('answered', answered.operatorId);
      this.c.log.info({ operatorId: answered.operatorId, waitSeconds, transfer: forTransfer }, 'answered');
    } catch (err) {
      const reason = isDialFailure(err) ? err.reason : 'failed';
      for (const seg of offered.values()) this.c.record.end(seg, now(), reason);
      if (answered && !connected) {
        // a 2xx we cannot use is ACKed and hung up all the same (RFC 3261 §13.2.2.4)
        const why = err instanceof Error ? err.message : String(err);
        this.c.log.warn({ err, operatorId: answered.operatorId, device: answered.device ?? 'browser' }, `the operator's answer could not be used (${why}): ACK and BYE`);
        answered.abandon(why);
      } else if (!isDialFailure(err)) this.c.log.warn({ err }, 'connecting the operator failed');
      if (!stillWanted()) return;
      this.c.log.info({ operators: ev.operatorIds, reason }, forTransfer ? 'transfer target did not answer' : 'offer not answered: back to the queue');
      if (forTransfer) return await transferFailed(this.c, isDialFailure(err) ? err.status : 500, reason);
      // a device's busy or decline pauses with that reason; our own failure does not pause at all.
      // Queued first: routing may offer the call again (to the same operator, not paused) at once.
      const cause = noAnswerCause(err, answered !== undefined);
      this.c.to('queued');
      for (const op of ev.operatorIds) {
        await acd.onNoAnswer(ref(op), cause).catch((e) => this.c.log.warn({ err: e, operatorId: op }, 'routing no-answer report failed'));
      }
    } finally {
      if (this.c.dialing === abort) this.c.dialing = undefined;
    }
  }

  /** An operator now talks with the caller: their leg's hold, DTMF, transfer and hang-up reach the call. */
  private talk(operatorId: string, leg: OperatorLeg, legTag: string, visitId: string): void {
    const talking: Talking = { operatorId, leg, legTag, visitId, segment: this.c.record.begin('answered', this.deps.now(), { operatorId }) };
    this.c.talking = talking;
    this.c.record.answered(operatorId, this.deps.now());
    leg.onHangup(() => void this.operatorHungUp(talking));
    leg.onOffer((sdp) => this.newOffer(legTag, sdp, legProfile(leg.device), talking));
    leg.onDtmf(async (d) => {
      try {
        await this.c.media.dtmfToCaller(d.digit, d.durationMs);
      } catch (err) {
        this.c.log.warn({ err, digit: d.digit }, 'DTMF to the caller failed');
        throw err; // the INFO is answered with an error: the operator's phone tells them
      }
    });
    leg.onTransfer((request) => void transferRequested(this.c, talking, request).catch((err: unknown) => {
      // a bug, not an outcome: the device hears of it, the call goes on as it is
      this.c.log.warn({ err, target: request.target }, 'the transfer failed unexpectedly');
      request.progress(500, 'Server Internal Error');
    }));
    this.c.save();
  }

  /** A new offer from a leg in the call: answered by the media relay; an operator's hold plays music to the caller. */
  private async newOffer(legTag: string, sdp: string, from: 'trunk' | 'browser', by?: Talking): Promise<string> {
    if (this.c.current === 'ended') throw new OfferRefusedError('the call has ended');
    if (this.c.room && by && this.c.room.parties.has(by.operatorId)) return conferenceOffer(this.c, by.operatorId, sdp);
    let answer: string;
    try {
      answer = await this.c.media.update(legTag, from === 'browser' && this.deps.browserOffer ? this.deps.browserOffer(sdp) : sdp, from);
    } catch (err) {
      if (isMediaError(err) && err.isSdpRejection) throw new OfferRefusedError(err.message, { cause: err });
      throw err;
    }
    if (by && by === this.c.talking) {
      const holding = HOLD_DIRECTION.test(sdp);
      if (holding && !this.c.hold) {
        this.c.hold = { segment: this.c.record.begin('held', this.deps.now(), { operatorId: by.operatorId }) };
        await this.c.media.music('hold', true);
        this.c.notify('held', by.operatorId);
        this.c.save();
      } else if (!holding && this.c.hold) {
        this.c.endHold();
        this.c.notify('resumed', by.operatorId);
      }
    }
    return answer;
  }

  /**
   * The talking operator turns their consultation into a conference: the caller, they and the
   * colleague each join the mixer and hear the other two.
   */
  conference(operatorId: string): Promise<'ok' | 'not-talking' | 'no-consultation' | 'unavailable'> {
    return conference(this.c, operatorId);
  }

  /** The routing core took the offer back (the caller left, the operator logged out…). */
  withdraw(visitId: string): void {
    if (visitId === this.c.visit?.id || visitId === this.c.transfer?.visitId) this.c.dialing?.abort();
    if (visitId === this.c.consultation?.c.visitId) this.c.consultation.c.withdraw();
  }

  /**
   * The talking operator's device calls a colleague about this call (a consultation): the colleague
   * is rung through their direct queue; the caller stays as it is (held by the operator, with music).
   */
  consult(opCall: OperatorCall): Promise<void> {
    return consult(this.c, opCall);
  }

  /** Ends the call from the server side (shutdown, forced logout). */
  hangUp(): void {
    if (this.c.phase === 'ended') return;
    this.inbound.leg.hangUp();
    void this.callerHungUp();
  }

  /** The media relay lost this call's session: moved to a new one, or ended (see call-recovery.ts). */
  relayLost(): Promise<'restored' | 'lost'> {
    return relayLost(this.c);
  }

  /** Ends the call because its media is gone: outcome `media-lost`. */
  endMediaLost(why?: string): Promise<'lost'> {
    return endMediaLost(this.c, why);
  }

  private async callerHungUp(outcome?: CallOutcome): Promise<void> {
    if (this.c.phase === 'ended') return;
    const { acd } = this.deps;
    const phase = this.c.phase;
    this.c.ending = true;
    this.c.dialing?.abort();
    const warn = (what: string) => (err: unknown) => this.c.log.warn({ err }, what);
    if (this.c.transfer?.visitId) await acd.onAbandoned(this.c.transfer.visitId).catch(warn('routing abandon failed'));
    this.c.transfer?.request.progress(487, 'Request Terminated');
    await this.c.consultation?.c.end('the caller hung up');
    if (this.c.external) {
      this.c.external.leg.hangUp();
      return this.finish('transferred-out');
    }
    if (this.c.room) {
      for (const p of this.c.room.parties.values()) await acd.onHangup(p.visitId).catch(warn('routing hang-up failed'));
      await this.c.room.r.close();
    } else if (this.c.talking) {
      this.c.talking.leg.hangUp();
      await acd.onHangup(this.c.talking.visitId).catch(warn('routing hang-up failed'));
    } else if ((phase === 'queued' || phase === 'offering') && this.c.visit) {
      await acd.onAbandoned(this.c.visit.id).catch(warn('routing abandon failed'));
    }
    return this.finish(outcome ?? (this.c.record.snapshot().answeredAt !== undefined ? 'answered' : 'abandoned'));
  }

  private async operatorHungUp(t: Talking): Promise<void> {
    if (this.c.phase === 'ended') return;
    if (this.c.room?.parties.has(t.operatorId)) return partyLeft(this.c, t);
    if (this.c.talking !== t) return;
    this.c.record.end(t.segment, this.deps.now());
    this.c.talking = undefined;
    if (this.c.hold) this.c.endHold();
    await this.deps.acd.onHangup(t.visitId).catch((err) => this.c.log.warn({ err }, 'routing hang-up failed'));
    // a transfer is under way (the target rings, or the call is being queued): the caller waits for it
    if (this.c.current === 'transferring' || this.c.current === 'queued') return;
    this.inbound.leg.hangUp();
    return this.finish('answered');
  }

  private async finish(outcome: CallOutcome): Promise<void> {
    if (this.c.phase === 'ended') return;
    this.c.to('ended');
    const endedAt = this.deps.now();
    await this.c.consultation?.c.end('the call ended');
    await this.c.room?.r.close();
    this.c.external?.leg.hangUp();
    this.c.transfer = undefined;
    this.c.talking = undefined;
    for (let n = 1; n <= this.c.visits; n++) this.deps.route(this.c.visitId(n), undefined);
    await this.c.media.close();
    this.c.record.finish(outcome, endedAt);
    this.c.save();
    await this.c.saving;
    const record = this.c.record.snapshot();
    this.c.notify('ended', record.operatorId);
    this.c.log.info({ outcome, waitSeconds: record.waitSeconds, talkSeconds: record.talkSeconds, operatorId: record.operatorId }, 'call ended');
    this.deps.onEnded(this);
  }
}
