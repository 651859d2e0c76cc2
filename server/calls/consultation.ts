/**
 * A consultation: while the caller waits (held, hearing music), the operator's device places a
 * second call to a colleague. The server rings the colleague through their direct queue (so the
 * routing core reserves them) with an early offer, and bridges the two browsers in a media session
 * of its own. The operator then completes the transfer (REFER with Replaces naming this dialog: the
 * colleague's leg is handed to the caller's call) or hangs up (the consultation ends, the colleague
 * is free again without a wrap-up — a consultation is no customer call — and the operator resumes
 * the caller).
 */
import { isAppError, type Acd, type OfferEvent } from '../routing';
import type { MediaRelay } from '../../media';
import { isDialFailure, type OperatorCall, type OperatorDialer, type OperatorLeg } from './ports';

export interface ConsultationDeps {
  acd: Acd;
  media: Pick<MediaRelay, 'offer' | 'answer' | 'delete'>;
  dialer: OperatorDialer;
  now: () => number;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  browserOffer?: (sdp: string) => string;
  /** The routing visit is no longer this consultation's (routing events for it are ignored). */
  unroute: (visitId: string) => void;
}

/** The colleague's leg handed over to the caller's call when the transfer completes. */
export interface HandOver {
  operatorId: string;
  leg: OperatorLeg;
  visitId: string;
}

type ConsultState = 'ringing' | 'talking' | 'handed-over' | 'ended';

export class Consultation {
  private state: ConsultState = 'ringing';
  private abort = new AbortController();
  private target: { leg: OperatorLeg; operatorId: string } | undefined;
  private mediaStarted = false;
  /** Called once when the consultation ends without a hand-over. */
  onEnded: (() => void) | undefined;

  constructor(
    readonly call: OperatorCall,
    readonly targetOperatorId: string,
    /** The colleague's direct-queue visit in the routing core. */
    readonly visitId: string,
    private readonly deps: ConsultationDeps,
  ) {
    call.leg.onHangup(() => void this.end('operator hung up'));
  }

  /** The media session of the consultation (its own, apart from the caller's). */
  private get mediaCallId(): string {
    return `consult-${this.call.sipCallId}`;
  }

  get ended(): boolean {
    return this.state === 'ended' || this.state === 'handed-over';
  }

  /** True when a Replaces header names this consultation's dialog (as the operator's device sees it). */
  matches(replaces: { callId: string; fromTag: string }): boolean {
    return replaces.callId === this.call.sipCallId && replaces.fromTag === this.call.fromTag;
  }

  /** The routing core offers the visit to the colleague: ring them with the operator's offer. */
  async ring(ev: OfferEvent): Promise<void> {
    if (this.state !== 'ringing') return;
    const { acd, media, dialer } = this.deps;
    const ref = { callId: ev.callId, operatorId: this.targetOperatorId, token: ev.token };
    try {
      const offer = this.deps.browserOffer ? this.deps.browserOffer(this.call.offerSdp) : this.call.offerSdp;
      const toTarget = await media.offer({ callId: this.mediaCallId, fromTag: this.call.fromTag, sdp: offer, from: 'browser', to: 'browser' });
      this.mediaStarted = true;
      const answered = await dialer.dialWithOffer({
        operatorIds: [this.targetOperatorId], sdp: toTarget.sdp, signal: this.abort.signal,
        ringTimeoutMs: Math.max(1000, ev.expiresAt - this.deps.now()),
        headers: { 'X-Switchboard-Consult-From': this.call.operatorId },
        onRinging: () => void acd.onRinging(ref).catch((err) => this.deps.log.warn({ err }, 'routing ringing report failed')),
      });
      if (this.state !== 'ringing') {
        answered.leg.hangUp();
        return;
      }
      this.target = { leg: answered.leg, operatorId: answered.operatorId };
      answered.leg.onHangup(() => void this.end('colleague hung up'));
      const toOperator = await media.answer({
        callId: this.mediaCallId, fromTag: this.call.fromTag, toTag: `consult-${answered.operatorId}`,
        // the colleague's browser answers: its candidates are filtered like any browser offer's
        sdp: this.deps.browserOffer ? this.deps.browserOffer(answered.answerSdp) : answered.answerSdp, from: 'browser', to: 'browser',
      });
      await this.call.leg.answer(toOperator.sdp);
      await acd.onAnswered(ref);
      this.state = 'talking';
      this.deps.log.info({ target: this.targetOperatorId }, 'consultation connected');
    } catch (err) {
      const reason = isDialFailure(err) ? err.reason : 'failed';
      if (!isDialFailure(err)) this.deps.log.warn({ err }, 'consultation failed');
      this.call.leg.refuse(reason === 'declined' ? 'declined' : reason === 'failed' ? 'internal-error' : 'no-route');
      await this.end(reason);
    }
  }

  /** The routing core took the offer back (the colleague logged out…). */
  withdraw(): void {
    this.abort.abort();
  }

  /**
   * Completes an attended transfer: the consultation's media session ends, the operator's
   * consultation leg is hung up, and the colleague's leg is handed to the caller's call.
   */
  async handOver(): Promise<HandOver | undefined> {
    if (this.state !== 'talking' || !this.target) return undefined;
    this.state = 'handed-over';
    this.call.leg.hangUp();
    await this.deleteMedia();
    return { ...this.target, visitId: this.visitId };
  }

  /** Ends the consultation (either side hung up, the caller left, a failure): every leg, media, routing. */
  async end(why: string): Promise<void> {
    if (this.ended) return;
    const wasTalking = this.state === 'talking';
    this.state = 'ended';
    this.abort.abort();
    this.call.leg.hangUp();
    this.target?.leg.hangUp();
    this.deps.unroute(this.visitId);
    const routing = wasTalking ? this.deps.acd.onHangup(this.visitId) : this.deps.acd.onAbandoned(this.visitId);
    await routing.catch((err) => this.deps.log.warn({ err }, 'routing release of the consultation failed'));
    await this.deleteMedia();
    if (wasTalking && this.target) await this.freeColleague(this.target.operatorId);
    this.deps.log.info({ why, target: this.targetOperatorId }, 'consultation ended');
    this.onEnded?.();
  }

  /** A consultation is no customer call: the colleague has nothing to wrap up and is free again. */
  private async freeColleague(operatorId: string): Promise<void> {
    try {
      await this.deps.acd.endWrapUp(operatorId);
    } catch (err) {
      // without a wrap-up time the colleague is free already
      if (!isAppError(err) || err.code !== 'ERR_ILLEGAL_TRANSITION') this.deps.log.warn({ err, operatorId }, 'the colleague could not be freed after the consultation');
    }
  }

  private async deleteMedia(): Promise<void> {
    if (!this.mediaStarted) return;
    this.mediaStarted = false;
    try {
      await this.deps.media.delete({ callId: this.mediaCallId });
    } catch (err) {
      this.deps.log.warn({ err }, 'the consultation media session could not be deleted');
    }
  }
}
