import type { Acd, OfferEvent } from '../routing';
import type { MediaRelay } from '../../media';
import type { CallRecord, CallRecordStore, CallOutcome } from './call-record';
import { nextPhase, type CallPhase } from './call-state';
import type { InboundCall, OperatorDialer, OperatorLeg } from './ports';

export interface CallLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  child(bindings: object): CallLogger;
}

export interface CallSessionDeps {
  acd: Acd;
  media: MediaRelay;
  dialer: OperatorDialer;
  records: CallRecordStore;
  now: () => number;
  log: CallLogger;
  /** Absolute path of what the caller hears while queued. */
  holdMusic: string;
  onEnded: (session: CallSession) => void;
  /** Rewrites the operator's SDP offer before the relay sees it (e.g. drops ICE candidates). */
  browserOffer?: (sdp: string) => string;
  /** Told when a call is offered to, answered by, or ended for an operator (the event stream). */
  notify?: (notice: CallNotice) => void;
}

export interface CallNotice {
  callId: string;
  operatorId?: string;
  phase: 'offered' | 'answered' | 'ended';
  queue: string;
  caller: string;
  waitSeconds: number;
}

/** A live call as the HTTP API shows it. */
export interface LiveCallView {
  callId: string;
  queue: string;
  caller: string;
  state: 'queued' | 'ringing' | 'connected';
  operatorId?: string;
  since: number;
}

/**
 * One inbound call, from the trunk's INVITE to the last BYE: answers the caller into the media
 * relay (park) with music on hold, queues it, rings the operators the routing core picks, bridges
 * the first to answer, and on every exit path releases the SIP legs, the media session and the
 * routing state, and writes the call record.
 */
export class CallSession {
  phase: CallPhase = 'answering';
  private readonly arrivedAt: number;
  private answeredAt: number | undefined;
  private setupMs: number | undefined;
  private operatorId: string | undefined;
  private operatorLeg: OperatorLeg | undefined;
  private dialing: AbortController | undefined;
  private phaseSince: number;
  private readonly log: CallLogger;

  constructor(readonly call: InboundCall, private readonly deps: CallSessionDeps) {
    this.arrivedAt = deps.now();
    this.phaseSince = this.arrivedAt;
    this.log = deps.log.child({ callId: call.callId, queue: call.queue });
  }

  /** The phase, read afresh (not narrowed by earlier checks: it changes across awaits). */
  private get current(): CallPhase {
    return this.phase;
  }

  get callId(): string {
    return this.call.callId;
  }

  view(): LiveCallView | undefined {
    if (this.phase === 'ended' || this.phase === 'answering') return undefined;
    const state = this.phase === 'offering' ? 'ringing' : this.phase;
    return { callId: this.callId, queue: this.call.queue, caller: this.call.caller, state, operatorId: this.operatorId, since: this.phaseSince };
  }

  async start(): Promise<void> {
    const { media, acd } = this.deps;
    const { call } = this;
    let answerSdp: string;
    try {
      answerSdp = (await media.park({ callId: call.callId, fromTag: call.fromTag, sdp: call.offerSdp })).sdp;
    } catch (err) {
      this.log.warn({ err }, 'media refused the call');
      call.leg.refuse((err as { isSdpRejection?: boolean }).isSdpRejection ? 'media-failed' : 'internal-error');
      return this.finish('failed', false);
    }
    call.leg.onHangup(() => void this.callerHungUp());
    try {
      await call.leg.answer(answerSdp);
      this.setupMs = this.deps.now() - this.arrivedAt;
    } catch {
      return this.finish('abandoned', false); // the caller gave up before our 200 went out
    }
    if (this.current === 'ended') return;
    await media.playMedia({ callId: call.callId, tag: call.fromTag, file: this.deps.holdMusic }).catch((err) => this.log.warn({ err }, 'no music on hold'));
    this.to('queued');
    try {
      const result = await acd.enqueue({ id: call.callId, queueId: call.queue });
      if (result.events.some((e) => e.type === 'call-rejected')) {
        this.log.info({}, 'queue full: the caller is told busy');
        call.leg.hangUp();
        return this.finish('busy', false);
      }
      this.log.info({ position: result.position, queueId: result.queueId }, 'queued');
    } catch (err) {
      this.log.warn({ err }, 'could not queue the call');
      call.leg.hangUp();
      return this.finish('failed', false);
    }
  }

  /** The routing core offers this call to operators: ring their devices. */
  async offer(ev: OfferEvent): Promise<void> {
    if (this.phase !== 'queued') return;
    this.to('offering');
    const { acd, dialer, media, now } = this.deps;
    const ref = (operatorId: string) => ({ callId: this.callId, operatorId, token: ev.token });
    const abort = new AbortController();
    this.dialing = abort;
    const waitSeconds = Math.round((now() - this.arrivedAt) / 1000);
    for (const operatorId of ev.operatorIds) this.notify('offered', waitSeconds, operatorId);
    try {
      const answered = await dialer.dial({
        operatorIds: ev.operatorIds,
        headers: {
          'X-Switchboard-Call-Id': this.callId,
          'X-Switchboard-Queue': this.call.queue,
          'X-Switchboard-Caller': this.call.caller,
          'X-Switchboard-Wait': String(waitSeconds),
          'X-Switchboard-Arrived': String(this.arrivedAt),
        },
        ringTimeoutMs: Math.max(1000, ev.expiresAt - now()),
        signal: abort.signal,
        onRinging: (operatorId) => void acd.onRinging(ref(operatorId)).catch(() => undefined),
      });
      if (this.current !== 'offering') return;
      const legTag = `op-${answered.operatorId}`;
      const offer = this.deps.browserOffer ? this.deps.browserOffer(answered.offer) : answered.offer;
      const bridged = await media.connectParked({ callId: this.callId, legTag, sdp: offer, from: 'browser' });
      const leg = await answered.connect(bridged.sdp);
      if (this.current !== 'offering') {
        leg.hangUp(); // the caller left while we were connecting
        return;
      }
      await media.stopMedia({ callId: this.callId, tag: this.call.fromTag }).catch(() => undefined);
      this.operatorLeg = leg;
      this.operatorId = answered.operatorId;
      this.answeredAt = now();
      this.to('connected');
      leg.onHangup(() => void this.operatorHungUp());
      await acd.onAnswered(ref(answered.operatorId));
      this.notify('answered', waitSeconds, answered.operatorId);
      this.log.info({ operatorId: answered.operatorId, waitSeconds }, 'answered');
    } catch (err) {
      if (this.current !== 'offering') return;
      const reason = (err as { reason?: string }).reason ?? 'failed';
      this.log.info({ operators: ev.operatorIds, reason }, 'offer not answered: back to the queue');
      this.to('queued');
      for (const op of ev.operatorIds) await acd.onNoAnswer(ref(op)).catch(() => undefined);
    } finally {
      this.dialing = undefined;
    }
  }

  /** The routing core took the offer back (the caller left, the operator logged out…). */
  withdraw(): void {
    this.dialing?.abort();
  }

  /** Ends the call from the server side (shutdown, forced logout). */
  hangUp(): void {
    if (this.phase === 'ended') return;
    this.call.leg.hangUp();
    this.operatorLeg?.hangUp();
    void this.callerHungUp();
  }

  private async callerHungUp(): Promise<void> {
    if (this.phase === 'ended') return;
    const wasConnected = this.phase === 'connected';
    this.dialing?.abort();
    this.operatorLeg?.hangUp();
    if (wasConnected) {
      await this.deps.acd.onHangup(this.callId).catch((err) => this.log.warn({ err }, 'routing hang-up failed'));
      return this.finish('answered', true);
    }
    if (this.phase === 'queued' || this.phase === 'offering') {
      await this.deps.acd.onAbandoned(this.callId).catch((err) => this.log.warn({ err }, 'routing abandon failed'));
    }
    return this.finish('abandoned', true);
  }

  private async operatorHungUp(): Promise<void> {
    if (this.phase !== 'connected') return;
    this.call.leg.hangUp();
    await this.deps.acd.onHangup(this.callId).catch((err) => this.log.warn({ err }, 'routing hang-up failed'));
    return this.finish('answered', true);
  }

  private async finish(outcome: CallOutcome, mediaStarted: boolean): Promise<void> {
    if (this.phase === 'ended') return;
    this.to('ended');
    const endedAt = this.deps.now();
    if (mediaStarted || outcome !== 'failed') await this.deps.media.delete({ callId: this.callId }).catch(() => undefined);
    const record: CallRecord = {
      callId: this.callId, queue: this.call.queue, trunkId: this.call.trunkId, caller: this.call.caller, number: this.call.number,
      outcome, arrivedAt: this.arrivedAt, endedAt,
      waitSeconds: Math.round(((this.answeredAt ?? endedAt) - this.arrivedAt) / 1000),
      talkSeconds: this.answeredAt ? Math.round((endedAt - this.answeredAt) / 1000) : 0,
      ...(this.operatorId ? { operatorId: this.operatorId } : {}),
      ...(this.answeredAt ? { answeredAt: this.answeredAt } : {}),
      ...(this.setupMs !== undefined ? { setupMs: this.setupMs } : {}),
    };
    await this.deps.records.write(record);
    this.notify('ended', record.waitSeconds, this.operatorId);
    this.log.info({ outcome, waitSeconds: record.waitSeconds, talkSeconds: record.talkSeconds, operatorId: this.operatorId }, 'call ended');
    this.deps.onEnded(this);
  }

  private notify(phase: CallNotice['phase'], waitSeconds: number, operatorId?: string): void {
    this.deps.notify?.({ callId: this.callId, phase, queue: this.call.queue, caller: this.call.caller, waitSeconds, ...(operatorId ? { operatorId } : {}) });
  }

  private to(phase: CallPhase): void {
    this.phase = nextPhase(this.phase, phase, this.callId);
    this.phaseSince = this.deps.now();
  }
}
