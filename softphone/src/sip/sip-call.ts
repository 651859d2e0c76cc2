import { SessionState, UserAgent, Web, type Invitation } from 'sip.js';
import { InvalidStateError, SoftphoneError } from '../errors';
import type { CallInfo } from './call-info';
import type { ConsultCall } from './consult-call';

export type CallEndReason = 'declined' | 'cancelled' | 'hung-up' | 'remote-hung-up' | 'failed';

/** Keypad tones (RFC 4733 events 0–15). */
export const DTMF_TONES = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const;
export type DtmfTone = (typeof DTMF_TONES)[number] | 'A' | 'B' | 'C' | 'D';

export interface SipCallDelegate {
  /** The 200 OK is sent: the call is up. */
  onEstablished?(): void;
  /** Called once, however the call ends. */
  onEnded?(reason: CallEndReason): void;
}

/** Tone length and gap, ms (RFC 4733 via RTCDTMFSender; the INFO fallback reports the same duration). */
const DTMF_DURATION = 100;
const DTMF_GAP = 70;

/** One incoming call: answer, decline, hang up, hold (re-INVITE), mute, DTMF, microphone swap. No DOM. */
export class SipCall {
  readonly info: CallInfo;
  delegate: SipCallDelegate | undefined;
  private readonly invitation: Invitation;
  private muted = false;
  private held = false;
  private holdInFlight = false;
  private ending: 'declined' | 'hung-up' | 'failed' | undefined;
  private wasEstablished = false;
  private ended = false;

  constructor(invitation: Invitation, info: CallInfo) {
    this.invitation = invitation;
    this.info = info;
    invitation.stateChange.addListener((state) => this.onState(state));
  }

  get isMuted(): boolean {
    return this.muted;
  }

  get isHeld(): boolean {
    return this.held;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The call's peer connection (for its statistics); undefined before `answer`. */
  get peerConnection(): RTCPeerConnection | undefined {
    return this.sdh()?.peerConnection;
  }

  /** The caller's audio; attach it to the headset output. Undefined before `answer`. */
  get remoteStream(): MediaStream | undefined {
    return this.sdh()?.remoteMediaStream;
  }

  async answer(): Promise<void> {
    this.assertLive();
    try {
      await this.invitation.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
    } catch (cause) {
      this.ending = 'failed';
      if (this.invitation.state === SessionState.Initial) await this.invitation.reject({ statusCode: 500 }).catch(() => undefined);
      throw new SoftphoneError('ERR_ANSWER_FAILED', 'the call could not be answered', { cause });
    }
  }

  /** 603 Decline: the server offers the call elsewhere. */
  async decline(): Promise<void> {
    this.assertLive();
    this.ending = 'declined';
    await this.invitation.reject({ statusCode: 603, reasonPhrase: 'Decline' });
  }

  /** BYE on an established call. */
  async hangup(): Promise<void> {
    this.assertLive();
    this.ending = 'hung-up';
    if (this.invitation.state === SessionState.Established) await this.invitation.bye();
    else if (this.invitation.state === SessionState.Initial) await this.invitation.reject({ statusCode: 603, reasonPhrase: 'Decline' });
  }

  /**
   * Hold or resume with a re-INVITE whose offer says sendonly (hold) or sendrecv (resume), the
   * `sessionDescriptionHandlerOptionsReInvite: { hold }` pattern. Resolves when the far end accepts.
   */
  async setHold(hold: boolean): Promise<void> {
    this.assertLive();
    if (this.held === hold) return;
    if (this.invitation.state !== SessionState.Established) throw new InvalidStateError('hold needs an established call');
    if (this.holdInFlight) throw new SoftphoneError('ERR_HOLD_PENDING', 'a hold request is already in progress');
    this.holdInFlight = true;
    const previous = this.invitation.sessionDescriptionHandlerOptionsReInvite as Web.SessionDescriptionHandlerOptions;
    const reInvite: Web.SessionDescriptionHandlerOptions = { ...previous, hold };
    this.invitation.sessionDescriptionHandlerOptionsReInvite = reInvite;
    try {
      await new Promise<void>((resolve, reject) => {
        this.invitation.invite({
          requestDelegate: {
            onAccept: () => resolve(),
            onReject: (response) => reject(new SoftphoneError('ERR_HOLD_REJECTED',
              `the re-INVITE was rejected (${response.message.statusCode ?? '?'})`)),
          },
        }).catch(reject);
      });
      this.held = hold;
      this.applyTracks();
    } catch (error) {
      const restore: Web.SessionDescriptionHandlerOptions = { ...previous, hold: this.held };
      this.invitation.sessionDescriptionHandlerOptionsReInvite = restore;
      throw error;
    } finally {
      this.holdInFlight = false;
    }
  }

  /**
   * Blind transfer by REFER (RFC 3515): the server hands the caller to `target` (an operator's SIP
   * user, `queue-ID`, or a number). Resolves with the final status of the transfer as the server
   * reports it in NOTIFY sipfrags: 200 when the target took the call (the server then hangs this
   * call up), 4xx/5xx when it failed and the caller is back on this call.
   */
  async transfer(target: string): Promise<{ status: number; reason: string }> {
    this.assertLive();
    if (this.invitation.state !== SessionState.Established) throw new InvalidStateError('transfer needs an established call');
    if (!/^[A-Za-z0-9_.!~*'()&=+$,;?/@-]{1,64}$/.test(target)) throw new SoftphoneError('ERR_BAD_TARGET', `not a transfer target: ${target}`);
    const host = this.invitation.localIdentity.uri.host;
    const uri = UserAgent.makeURI(`sip:${encodeURIComponent(target).replace(/%2B/g, '+')}@${host}`);
    if (!uri) throw new SoftphoneError('ERR_BAD_TARGET', `not a transfer target: ${target}`);
    return this.referAndWait(uri);
  }

  /**
   * Completes an attended transfer: REFER with Replaces naming the consultation's dialog (RFC 3891),
   * so the server hands the colleague to the caller. Resolves with the final status the server
   * reports (200: done, the server hangs up both of this operator's calls).
   */
  async completeTransfer(consultation: ConsultCall): Promise<{ status: number; reason: string }> {
    this.assertLive();
    if (this.invitation.state !== SessionState.Established) throw new InvalidStateError('transfer needs an established call');
    if (!consultation.isAnswered || consultation.isEnded) throw new InvalidStateError('the consultation is not connected');
    return this.referAndWait(consultation.inviter);
  }

  /**
   * The server is about to move this call into a conference with an offerless re-INVITE: make the
   * offer sip.js will send say sendrecv, and hear and speak again. `undo` puts the hold back when
   * the conference did not happen.
   */
  leaveHoldForConference(): { undo(): void } {
    const previous = this.invitation.sessionDescriptionHandlerOptionsReInvite as Web.SessionDescriptionHandlerOptions;
    const wasHeld = this.held;
    const resumed: Web.SessionDescriptionHandlerOptions = { ...previous, hold: false };
    this.invitation.sessionDescriptionHandlerOptionsReInvite = resumed;
    this.held = false;
    this.applyTracks();
    return {
      undo: () => {
        const restore: Web.SessionDescriptionHandlerOptions = { ...previous, hold: wasHeld };
        this.invitation.sessionDescriptionHandlerOptionsReInvite = restore;
        this.held = wasHeld;
        this.applyTracks();
      },
    };
  }

  /** Sends REFER to `target` (a URI or a session, the latter with Replaces) and waits for the final NOTIFY sipfrag. */
  private referAndWait(target: Parameters<Invitation['refer']>[0]): Promise<{ status: number; reason: string }> {
    return new Promise((resolve, reject) => {
      this.invitation.refer(target, {
        requestDelegate: {
          onReject: (response) => reject(new SoftphoneError('ERR_TRANSFER_REJECTED',
            `the transfer was refused (${response.message.statusCode ?? '?'} ${response.message.reasonPhrase ?? ''})`)),
        },
        onNotify: (notification) => {
          notification.accept().catch(() => undefined); // the subscription ends with the final status anyway
          const frag = /^SIP\/2\.0\s+(\d{3})\s*(.*)$/m.exec(notification.request.body ?? '');
          const status = frag ? Number(frag[1]) : 0;
          if (status >= 200) resolve({ status, reason: frag?.[2]?.trim() ?? '' });
        },
      }).catch(reject);
    });
  }

  /** Mute disables the local track (no re-INVITE); the far end hears silence. */
  setMuted(muted: boolean): void {
    this.muted = muted;
    this.applyTracks();
  }

  /** RFC 4733 telephone-events when negotiated, else a SIP INFO (application/dtmf-relay). */
  async sendDtmf(tone: DtmfTone): Promise<'rtp' | 'info'> {
    this.assertLive();
    if (!/^[0-9A-D#*]$/.test(tone)) throw new SoftphoneError('ERR_BAD_DTMF', `not a DTMF tone: ${tone}`);
    if (this.invitation.state !== SessionState.Established) throw new InvalidStateError('DTMF needs an established call');
    const sdh = this.invitation.sessionDescriptionHandler;
    // insertDTMF replaces the tones not yet played (sip.js uses the first sender): keep them, or quick presses drop digits
    const queued = this.sdh()?.peerConnection?.getSenders()[0]?.dtmf?.toneBuffer ?? '';
    if (sdh?.sendDtmf(queued + tone, { duration: DTMF_DURATION, interToneGap: DTMF_GAP })) return 'rtp';
    await this.invitation.info({
      requestOptions: {
        body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: `Signal=${tone}\r\nDuration=${DTMF_DURATION}\r\n` },
      },
    });
    return 'info';
  }

  /**
   * Sends `track` instead of the current microphone (`RTCRtpSender.replaceTrack`): no re-INVITE,
   * the call continues. The old track is stopped.
   */
  async replaceMicrophone(track: MediaStreamTrack): Promise<void> {
    const sdh = this.sdh();
    const pc = sdh?.peerConnection;
    if (!sdh || !pc) {
      track.stop();
      return;
    }
    const sender = pc.getSenders().find((s) => s.track?.kind === 'audio') ?? pc.getSenders()[0];
    if (!sender) {
      track.stop();
      return;
    }
    track.enabled = !this.muted && !this.held;
    await sender.replaceTrack(track);
    const local = sdh.localMediaStream;
    for (const old of local.getAudioTracks()) {
      if (old === track) continue;
      old.stop();
      local.removeTrack(old);
    }
    if (!local.getAudioTracks().includes(track)) local.addTrack(track);
  }

  private sdh(): Web.SessionDescriptionHandler | undefined {
    const sdh = this.invitation.sessionDescriptionHandler;
    return sdh instanceof Web.SessionDescriptionHandler ? sdh : undefined;
  }

  private applyTracks(): void {
    const sdh = this.sdh();
    if (!sdh) return;
    sdh.enableSenderTracks(!this.held && !this.muted);
    sdh.enableReceiverTracks(!this.held);
  }

  private assertLive(): void {
    if (this.ended) throw new InvalidStateError('the call has ended');
  }

  private onState(state: SessionState): void {
    if (state === SessionState.Established) {
      this.wasEstablished = true;
      this.applyTracks();
      this.delegate?.onEstablished?.();
    } else if (state === SessionState.Terminated && !this.ended) {
      this.ended = true;
      const reason: CallEndReason = this.wasEstablished
        ? (this.ending === 'hung-up' ? 'hung-up' : 'remote-hung-up')
        : (this.ending === 'declined' || this.ending === 'failed' ? this.ending : 'cancelled');
      this.delegate?.onEnded?.(reason);
    }
  }
}
