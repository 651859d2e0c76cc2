import type { ApiClient } from '../api/api-client';
import type { CallNotice, OperatorState } from '../api/contract';
import type { AudioOutput, SoundPlayer } from '../devices/audio-output';
import type { CallInfo } from '../sip/call-info';
import type { ConsultCall } from '../sip/consult-call';
import type { CallEndReason, DtmfTone, SipCall } from '../sip/sip-call';
import type { SoftphoneView } from '../ui/softphone-view';
import { CallMachine, type CallEvent, type CallState } from './call-machine';
import { ConsultController } from './consult-controller';
import type { CallerCard } from './customer-controller';
import { i18n } from '../i18n/translator';
import type { Notifier } from './notifier';

export interface CallControllerOptions {
  view: SoftphoneView;
  api: ApiClient;
  /** Plays the caller (headset speaker). */
  speaker: AudioOutput;
  /** Plays the ringtone (ringer device). */
  ringer: AudioOutput;
  sounds: () => SoundPlayer | undefined;
  notifier: Notifier;
  /** The customer card (screen-pop): shown while a call rings, kept through the call and wrap-up. */
  customers?: CallerCard;
  /** Places a consultation call from the page's user agent (attended transfer, conference). */
  dialConsult?: (target: string, aboutCallId: string) => ConsultCall;
  /** The server's answer to a wrap-up. */
  onOperatorState(state: OperatorState): void;
  /** Every change of the call's state, after the panel followed it (`event`: what caused it). */
  onTransition?(to: CallState, from: CallState, event: CallEvent): void;
  now?: () => number;
}

const END_MESSAGES: Partial<Record<CallEndReason, string>> = {
  failed: 'The call could not be connected.',
};

/** Drives one call at a time through the call state machine and keeps the call panel in step. */
export class CallController {
  readonly machine: CallMachine;
  readonly consult: ConsultController;
  private readonly o: CallControllerOptions;
  private readonly now: () => number;
  private call: SipCall | undefined;
  private info: CallInfo | undefined;
  private holdPending = false;
  private submitting = false;
  private startedAt = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private stopRinging: (() => void) | undefined;
  private closeNotification: (() => void) | undefined;
  private readonly notices = new Map<string, CallNotice>();
  private sentDigits = '';
  private callerDigits = '';
  private heldSince: number | undefined;
  private transferring = false;

  constructor(options: CallControllerOptions) {
    this.o = options;
    this.now = options.now ?? (() => Date.now());
    this.machine = new CallMachine({ onTransition: (to, from, event) => (this.entered(to, from), this.o.onTransition?.(to, from, event)) });
    const { call, wrapUp } = options.view;
    this.consult = new ConsultController({
      view: call.consult,
      showMessage: (text, kind) => options.view.showMessage(text, kind),
      speaker: options.speaker,
      dial: (target, about) => {
        if (!options.dialConsult) throw new Error('consultations are not available');
        return options.dialConsult(target, about);
      },
      conference: () => options.api.conference(),
      setHeld: (hold) => this.setHeld(hold),
      playCall: () => this.playCall(),
      onChange: () => this.consultChanged(),
    });
    call.delegate = {
      onAnswer: () => void this.answer(),
      onDecline: () => void this.decline(),
      onHangup: () => void this.hangup(),
      onHold: () => void this.toggleHold(),
      onMute: () => this.toggleMute(),
      onDtmf: (tone) => void this.dtmf(tone),
    };
    call.transfer.delegate = {
      onOpen: () => void this.openTransfer(),
      onTransfer: (target, label) => void this.transfer(target, label),
      onConsult: (target, label, kind) => void this.startConsult(target, label, kind),
    };
    wrapUp.delegate = { onWrapUp: (disposition, notes) => void this.submitWrapUp(disposition, notes) };
    wrapUp.close();
    this.render();
  }

  get state(): CallState {
    return this.machine.state;
  }

  /** What is known of the ringing or running call (queue and caller filled in from the server's notices). */
  get callInfo(): CallInfo | undefined {
    return this.info;
  }

  /** The call in progress, for a microphone swap. */
  get current(): SipCall | undefined {
    return this.call;
  }

  /** An INVITE arrived; false (busy) unless idle. */
  offer(call: SipCall): boolean {
    if (this.machine.state !== 'idle') return false;
    const notice = this.notices.get(call.info.callId);
    this.call = call;
    this.info = {
      ...call.info,
      queue: call.info.queue || notice?.queue || '',
      caller: call.info.caller || notice?.caller || '',
      waitSeconds: call.info.waitSeconds || notice?.waitSeconds || 0,
    };
    call.delegate = {
      onEstablished: () => this.established(call),
      onEnded: (reason) => this.ended(call, reason),
    };
    this.machine.send('offer');
    return true;
  }

  /** `call` events from the server's event stream fill in details an INVITE lacks. */
  notice(notice: CallNotice): void {
    if (notice.phase === 'dtmf') {
      if (notice.digit && this.info?.callId === notice.callId) {
        this.callerDigits = (this.callerDigits + notice.digit).slice(-32);
        this.o.view.call.showCallerDigits(this.callerDigits);
      }
      return;
    }
    if (notice.phase === 'answered' && this.info?.consultFrom && (this.machine.state === 'on-call' || this.machine.state === 'held')) {
      this.becameCallersCall(notice);
    }
    if (notice.phase === 'ended') this.notices.delete(notice.callId);
    else this.notices.set(notice.callId, notice);
    if (this.notices.size > 50) this.notices.delete(this.notices.keys().next().value as string);
  }

  async answer(): Promise<void> {
    const call = this.call;
    if (!call || !this.machine.can('answer')) return;
    this.machine.send('answer');
    try {
      await call.answer();
    } catch {
      if (this.call === call && this.machine.can('fail')) {
        this.machine.send('fail');
        this.o.view.showMessage('The call could not be answered (is the microphone available?).');
      }
    }
  }

  async decline(): Promise<void> {
    const call = this.call;
    if (!call || !this.machine.can('decline')) return;
    this.machine.send('decline');
    await call.decline().catch(() => undefined); // already gone: nothing to decline
  }

  async hangup(): Promise<void> {
    const call = this.call;
    if (!call || !this.machine.can('end')) return;
    this.machine.send('end');
    await call.hangup().catch(() => undefined); // the far end is gone already
  }

  async toggleHold(): Promise<void> {
    if (!(this.machine.state === 'on-call' || this.machine.state === 'held') || this.consult.active) return;
    await this.setHeld(this.machine.state === 'on-call');
  }

  /** Holds or resumes the caller; true when the call is (now) in that state, false when it could not be (the message is shown). */
  private async setHeld(hold: boolean): Promise<boolean> {
    const call = this.call;
    if (!call || !(this.machine.state === 'on-call' || this.machine.state === 'held')) return false;
    if (this.holdPending) return false;
    if ((this.machine.state === 'held') === hold && call.isHeld === hold) return true;
    this.holdPending = true;
    this.render();
    try {
      await call.setHold(hold);
      if (this.call === call && this.machine.can(hold ? 'hold' : 'unhold')) this.machine.send(hold ? 'hold' : 'unhold');
      this.heldSince = hold ? this.now() : undefined;
      this.o.view.call.setHeldSeconds(hold ? 0 : undefined);
      return true;
    } catch (error) {
      this.o.view.showMessage(`${hold ? 'Hold' : 'Resume'} failed: ${(error as Error).message}`);
      return false;
    } finally {
      this.holdPending = false;
      this.render();
    }
  }

  toggleMute(): void {
    const call = this.call;
    if (!call || !(this.machine.state === 'on-call' || this.machine.state === 'held')) return;
    call.setMuted(!call.isMuted);
    this.render();
  }

  async dtmf(tone: DtmfTone): Promise<void> {
    const call = this.call;
    if (!call || this.machine.state !== 'on-call') return;
    try {
      await call.sendDtmf(tone);
      this.sentDigits = (this.sentDigits + tone).slice(-32);
      this.o.view.call.showSentDigits(this.sentDigits);
    } catch (error) {
      this.o.view.showMessage(`Keypad tone ${tone} was not sent: ${(error as Error).message}`);
    }
  }

  /** Loads the operators and queues into the transfer form. */
  async openTransfer(): Promise<void> {
    if (!this.call || !(this.machine.state === 'on-call' || this.machine.state === 'held')) return;
    try {
      this.o.view.call.transfer.open(await this.o.api.transferTargets());
    } catch (error) {
      this.o.view.showMessage(`The transfer list could not be loaded: ${(error as Error).message}`);
    }
  }

  /**
   * Blind transfer: the server rings the target while the caller hears music. When the target takes
   * the call the server ends this one (wrap-up follows); when it fails the caller is back here.
   */
  async transfer(target: string, label: string): Promise<void> {
    const call = this.call;
    if (!call || this.transferring || !(this.machine.state === 'on-call' || this.machine.state === 'held')) return;
    this.transferring = true;
    const { view } = this.o;
    view.call.transfer.setPending(true);
    view.call.transfer.close();
    view.showMessage(`Transferring to ${label}… the caller hears music.`, 'info');
    try {
      const result = await call.transfer(target);
      if (result.status >= 200 && result.status < 300) view.showMessage(`Call transferred to ${label}.`, 'info');
      else view.showMessage(`Transfer to ${label} failed: ${transferFailure(result.status)}. The caller is back with you.`);
    } catch (error) {
      view.showMessage(`Transfer to ${label} failed: ${(error as Error).message}. The caller is back with you.`);
    } finally {
      this.transferring = false;
      view.call.transfer.setPending(false);
    }
  }

  /** Consult first: only an operator can be consulted; the caller is held while the colleague is called. */
  async startConsult(target: string, label: string, kind: 'operator' | 'queue' | 'number'): Promise<void> {
    const call = this.call;
    if (!call || this.transferring || !(this.machine.state === 'on-call' || this.machine.state === 'held')) return;
    if (kind !== 'operator') {
      this.o.view.showMessage(`Only an operator can be consulted; transfer to ${label} directly with "Transfer now".`);
      return;
    }
    this.o.view.call.transfer.close();
    this.o.view.showMessage('');
    await this.consult.start(call, this.info?.callId ?? call.info.callId, target, label);
  }

  async submitWrapUp(disposition: string, notes: string): Promise<void> {
    if (this.machine.state !== 'wrap-up' || this.submitting) return;
    this.submitting = true;
    this.o.view.wrapUp.setBusy(true);
    try {
      const state = await this.o.api.wrapUp({ disposition, notes });
      this.o.onOperatorState(state);
      if (this.machine.can('wrap-up-done')) this.machine.send('wrap-up-done');
    } catch (error) {
      this.o.view.showMessage(`Wrap-up was not saved: ${(error as Error).message}`);
      this.o.view.wrapUp.setBusy(false);
    } finally {
      this.submitting = false;
    }
  }

  /**
   * The server left wrap-up on its own (its wrap-up time ran out): close the form. A state change
   * caused by our own submission is left to `submitWrapUp`.
   */
  serverLeftWrapUp(): void {
    if (this.machine.state !== 'wrap-up' || this.submitting) return;
    this.machine.send('wrap-up-done');
    this.o.view.showMessage('Wrap-up time is over; the disposition was not recorded.', 'info');
  }

  /** Signing out: ends any call and stops sounds. */
  async close(): Promise<void> {
    const call = this.call;
    this.stopAlerts();
    this.stopTicker();
    this.o.customers?.clear();
    this.call = undefined;
    this.consult.reset();
    if (call && !call.isEnded) await (this.machine.state === 'ringing' ? call.decline() : call.hangup()).catch(() => undefined);
    this.o.speaker.stop();
  }

  /**
   * A colleague's consultation became the caller's call (they completed the transfer to this
   * operator, or made a conference): the panel and the customer card show the caller now.
   */
  private becameCallersCall(notice: CallNotice): void {
    this.info = { callId: notice.callId, queue: notice.queue, caller: notice.caller, waitSeconds: notice.waitSeconds };
    this.o.customers?.show(notice.caller, notice.callId);
    this.render();
  }

  /** The headset speaker plays the caller again (after a consultation, in a conference). */
  private playCall(): void {
    const call = this.call;
    const stream = call?.remoteStream;
    const live = () => this.call === call && (this.machine.state === 'on-call' || this.machine.state === 'held');
    if (!stream || !live()) return;
    // the call ending meanwhile (a completed transfer: speaker.stop() on wrap-up) rejects play(), which is no failure
    this.o.speaker.play(stream).catch((error: unknown) => live() && this.o.view.showMessage(`The call audio did not start again: ${(error as Error).message}`));
  }

  /** A conference resumes the caller on the server: the page follows. */
  private consultChanged(): void {
    if (this.consult.inConference && this.machine.state === 'held') {
      this.machine.send('unhold');
      this.heldSince = undefined;
      this.o.view.call.setHeldSeconds(undefined);
    }
    this.render();
  }

  private established(call: SipCall): void {
    if (this.call !== call || !this.machine.can('established')) return;
    this.machine.send('established');
  }

  private ended(call: SipCall, reason: CallEndReason): void {
    if (this.call !== call) return;
    const state = this.machine.state;
    if (state === 'ringing' || state === 'connecting') {
      this.machine.send(reason === 'failed' && state === 'connecting' ? 'fail' : 'cancel');
      const message = END_MESSAGES[reason];
      if (message) this.o.view.showMessage(message, 'info');
    } else if (state === 'on-call' || state === 'held') {
      const from = this.info?.consultFrom;
      this.machine.send(from ? 'consult-ended' : 'end');
      if (from) this.o.view.showMessage(`The consultation with ${from} ended.`, 'info');
    }
  }

  private entered(to: CallState, from: CallState): void {
    const { view } = this.o;
    if (to === 'ringing') {
      view.showMessage('');
      // a colleague's consultation has no customer yet (the card comes if it becomes the caller's call)
      if (!this.info?.consultFrom) this.o.customers?.show(this.info?.caller ?? '', this.info?.callId);
      this.startAlerts();
    }
    if (from === 'ringing') this.stopAlerts();
    if (to === 'on-call' && from === 'connecting') {
      this.startedAt = this.now();
      this.ticker = setInterval(() => {
        view.call.setElapsed((this.now() - this.startedAt) / 1000);
        if (this.heldSince !== undefined) view.call.setHeldSeconds((this.now() - this.heldSince) / 1000);
      }, 250);
      const call = this.call;
      const stream = call?.remoteStream;
      // play() stays pending until audio plays; the call ending (speaker.stop()) rejects it, which is no failure
      const live = () => this.call === call && (this.machine.state === 'on-call' || this.machine.state === 'held');
      if (stream) this.o.speaker.play(stream).catch(() => live() && view.showMessage('The browser did not start the call audio.'));
    }
    if (to === 'wrap-up') {
      this.stopTicker();
      view.call.setElapsed((this.now() - this.startedAt) / 1000);
      this.o.speaker.stop();
      view.wrapUp.open();
    }
    if (to !== 'on-call' && to !== 'held') {
      this.heldSince = undefined;
      this.consult.reset();
    }
    if (to === 'idle') {
      if (from === 'on-call' || from === 'held') this.o.speaker.stop();
      this.call = undefined;
      this.info = undefined;
      this.sentDigits = '';
      this.callerDigits = '';
      this.stopTicker();
      view.wrapUp.close();
      this.o.customers?.clear();
    }
    this.render();
    if (to === 'idle') view.keepFocus();
  }

  private startAlerts(): void {
    const info = this.info;
    const who = info?.caller || i18n.t('alert.unknownCaller');
    const sounds = this.o.sounds();
    this.stopRinging = sounds?.ring(this.o.ringer);
    this.o.view.setTitleAlert(i18n.t('alert.incomingFrom', { caller: who }));
    const body = info ? i18n.t('alert.body', { caller: who, queue: info.queue || '—', seconds: info.waitSeconds }) : who;
    this.closeNotification = this.o.notifier.show(i18n.t('alert.incoming'), body, info?.callId ?? 'call');
  }

  private stopAlerts(): void {
    this.stopRinging?.();
    this.stopRinging = undefined;
    this.closeNotification?.();
    this.closeNotification = undefined;
    this.o.view.setTitleAlert(undefined);
  }

  private stopTicker(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private render(): void {
    this.o.view.call.render({
      state: this.machine.state,
      info: this.info,
      muted: this.call?.isMuted ?? false,
      held: this.machine.state === 'held',
      holdPending: this.holdPending,
      consulting: this.consult.active,
      conference: this.consult.inConference,
    });
  }
}

/** What a transfer's final SIP status means for the operator. */
function transferFailure(status: number): string {
  switch (status) {
    case 486: return 'the target is busy';
    case 408: return 'no answer';
    case 603: return 'the target declined';
    case 404: return 'no such operator, queue or number';
    case 501: return 'this kind of transfer is not available';
    case 487: return 'the caller hung up';
    default: return `the server answered ${status}`;
  }
}
