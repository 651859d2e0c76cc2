import { Inviter, SessionState, Web, type UserAgent } from 'sip.js';
import { InvalidStateError, SoftphoneError } from '../errors';

/** The header naming the call a consultation is about (the server's `X-Switchboard-Consult`). */
export const CONSULT_HEADER = 'X-Switchboard-Consult';

export interface ConsultCallDelegate {
  /** The colleague's phone rings (18x). */
  onRinging?(): void;
  /** The colleague answered: the two operators talk. */
  onAnswered?(): void;
  /** The consultation did not connect: the final SIP status (486 busy, 603 declined, 480 no answer…). */
  onFailed?(status: number, reason: string): void;
  /** An answered consultation ended (either side hung up, or the server ended it). Called once. */
  onEnded?(): void;
}

/**
 * A consultation: a second call from the operator's own user agent to a colleague about the call in
 * progress, with `X-Switchboard-Consult: <call id>` so the server ties it to that call. No DOM.
 */
export class ConsultCall {
  delegate: ConsultCallDelegate | undefined;
  readonly inviter: Inviter;
  private answered = false;
  private finished = false;

  constructor(ua: UserAgent, target: string, aboutCallId: string) {
    if (!/^[A-Za-z0-9_.!~*'()&=+$,;?/-]{1,64}$/.test(target)) throw new SoftphoneError('ERR_BAD_TARGET', `not a consultation target: ${target}`);
    const uri = ua.configuration.uri.clone();
    uri.user = target;
    const about = aboutCallId.replace(/[^\x21-\x7e]/g, '');
    this.inviter = new Inviter(ua, uri, {
      extraHeaders: [`${CONSULT_HEADER}: ${about}`],
      sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } },
    });
    this.inviter.stateChange.addListener((state) => {
      if (state === SessionState.Established && !this.answered) {
        this.answered = true;
        this.delegate?.onAnswered?.();
      } else if (state === SessionState.Terminated && this.answered) {
        this.finish(() => this.delegate?.onEnded?.());
      } else if (state === SessionState.Terminated) {
        // sip.js terminates before it calls the request's onReject: let that report the status first
        queueMicrotask(() => this.finish(() => this.delegate?.onFailed?.(0, 'the consultation ended before it was answered')));
      }
    });
  }

  get isAnswered(): boolean {
    return this.answered;
  }

  get isEnded(): boolean {
    return this.finished;
  }

  /** The colleague's audio; attach it to the headset output once answered. */
  get remoteStream(): MediaStream | undefined {
    const sdh = this.inviter.sessionDescriptionHandler;
    return sdh instanceof Web.SessionDescriptionHandler ? sdh.remoteMediaStream : undefined;
  }

  /** Sends the INVITE; the outcome arrives through the delegate. */
  async start(): Promise<void> {
    if (this.inviter.state !== SessionState.Initial) throw new InvalidStateError('the consultation has started already');
    await this.inviter.invite({
      requestDelegate: {
        onProgress: (response) => {
          const status = response.message.statusCode ?? 0;
          if (status === 180 || status === 183) this.delegate?.onRinging?.();
        },
        onReject: (response) => this.finish(() => this.delegate?.onFailed?.(response.message.statusCode ?? 0, response.message.reasonPhrase ?? '')),
      },
    });
  }

  /** Cancels a ringing consultation or hangs up an answered one. */
  async hangup(): Promise<void> {
    const state = this.inviter.state;
    if (state === SessionState.Established) await this.inviter.bye();
    else if (state === SessionState.Initial || state === SessionState.Establishing) await this.inviter.cancel();
  }

  private finish(report: () => void): void {
    if (this.finished) return;
    this.finished = true;
    report();
  }
}
