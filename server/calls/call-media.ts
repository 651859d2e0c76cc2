/**
 * One call's media session: the caller parked in the relay, at most one operator leg connected to
 * it at a time, music for the caller while it waits or is held, DTMF towards the caller. `close()`
 * deletes the session in the relay and is idempotent; a closed session refuses further use.
 */
import type { CodecPolicy, LegPairMedia, MediaRelay } from '../../media';

/** What the calls layer needs of the media relay (the `MediaRelay` port). */
export type MediaPort = Pick<MediaRelay, 'park' | 'connectParked' | 'updateLeg' | 'repark' | 'sendDtmf' | 'delete' | 'playMedia' | 'stopMedia' | 'offer' | 'answer'>;

export class MediaSessionClosedError extends Error {
  override readonly name = 'MediaSessionClosedError';
  readonly code = 'ERR_MEDIA_SESSION_CLOSED';
}

/** Why the caller hears music; it plays while any reason holds. */
export type MusicReason = 'queue' | 'hold' | 'transfer';

export interface CallMediaOptions {
  media: MediaPort;
  callId: string;
  /** The caller's tag in the relay (its From tag). */
  callerTag: string;
  /** Absolute path of the music file. */
  music: string;
  log: { warn(obj: object, msg?: string): void };
  /** The codec policy of an operator's leg, by its tag (default: the relay's, avoid-transcoding). */
  codecPolicy?: (legTag: string) => CodecPolicy | undefined;
  /** Told the codecs of every leg connected to the caller, as the relay reports them. */
  onLegMedia?: (media: LegPairMedia & { policy: CodecPolicy | undefined; from: 'browser' | 'trunk' }) => void;
}

export class CallMedia {
  private readonly reasons = new Set<MusicReason>();
  private playing = false;
  private closed = false;
  private parked = false;
  /** The relay lost this session once: the caller's media address is pinned to its SDP from then on. */
  private moved = false;
  /** The operator leg connected to the caller, if any. */
  private connectedTag: string | undefined;
  /** Music changes run one after another, so play and stop never cross. */
  private musicChain: Promise<void> = Promise.resolve();

  constructor(private readonly o: CallMediaOptions) {}

  get callerTag(): string {
    return this.o.callerTag;
  }

  /** Answers the caller into the relay; returns the SDP answer for the caller. */
  async park(callerSdp: string): Promise<string> {
    this.check();
    // after a relay restart, peers of the lost sessions still send to ports the new relay hands
    // out again: the moved caller's media comes from the address in its SDP only
    const { sdp } = await this.o.media.park({ callId: this.o.callId, fromTag: this.o.callerTag, sdp: callerSdp, ...(this.moved ? { pinAddress: true } : {}) });
    this.parked = true;
    return sdp;
  }

  /**
   * Connects an operator's leg (its SDP offer) to the caller, detaching the operator connected
   * before, if any; returns the SDP answer for the leg.
   */
  async connect(legTag: string, offer: string, from: 'browser' | 'trunk' = 'browser'): Promise<string> {
    this.check();
    if (this.connectedTag && this.connectedTag !== legTag) {
      await this.o.media.repark({ callId: this.o.callId, legTag: this.connectedTag });
      this.connectedTag = undefined;
    }
    const policy = from === 'browser' ? this.o.codecPolicy?.(legTag) : undefined;
    const { sdp, media } = await this.o.media.connectParked({ callId: this.o.callId, legTag, sdp: offer, from, ...(policy ? { codecPolicy: policy } : {}) });
    this.connectedTag = legTag;
    if (media) this.o.onLegMedia?.({ ...media, policy, from });
    return sdp;
  }

  /** Answers a new offer (hold, resume, refresh) from a leg already in the call. */
  async update(legTag: string, sdp: string, from: 'trunk' | 'browser'): Promise<string> {
    this.check();
    return (await this.o.media.updateLeg({ callId: this.o.callId, legTag, sdp, from })).sdp;
  }

  /** Sends DTMF to the caller as RFC 4733 events. */
  async dtmfToCaller(digit: string, durationMs: number): Promise<void> {
    this.check();
    await this.o.media.sendDtmf({ callId: this.o.callId, tag: this.o.callerTag, digits: digit, durationMs });
  }

  /** Music for the caller while any reason holds (queue, hold, transfer). */
  music(reason: MusicReason, on: boolean): Promise<void> {
    if (on) this.reasons.add(reason);
    else this.reasons.delete(reason);
    this.musicChain = this.musicChain.then(() => this.applyMusic());
    return this.musicChain;
  }

  private async applyMusic(): Promise<void> {
    if (this.closed || !this.parked) return;
    const want = this.reasons.size > 0;
    if (want === this.playing) return;
    const sel = { callId: this.o.callId, tag: this.o.callerTag };
    try {
      if (want) await this.o.media.playMedia({ ...sel, file: this.o.music });
      else await this.o.media.stopMedia(sel);
      this.playing = want;
    } catch (err) {
      // the call goes on without music (or with music a little longer); worth a warning, not an end
      this.o.log.warn({ err, music: want }, want ? 'no music for the caller' : 'could not stop the music');
    }
  }

  /**
   * The relay lost this session (it restarted): nothing is parked, connected or playing any more.
   * park() and connect() set it up again; resumeMusic() then plays what was playing.
   */
  relayLost(): void {
    this.moved = true;
    this.parked = false;
    this.connectedTag = undefined;
    this.playing = false;
  }

  /** Plays the music again if a reason for it holds (after relayLost() and a new park()). */
  resumeMusic(): Promise<void> {
    this.musicChain = this.musicChain.then(() => this.applyMusic());
    return this.musicChain;
  }

  /** Deletes the session in the relay. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.parked) return;
    try {
      await this.o.media.delete({ callId: this.o.callId });
    } catch (err) {
      this.o.log.warn({ err }, 'the media session could not be deleted');
    }
  }

  private check(): void {
    if (this.closed) throw new MediaSessionClosedError(`the media session of call ${this.o.callId} is closed`);
  }
}
