import type { AudioOutput } from '../devices/audio-output';
import type { ConsultCall } from '../sip/consult-call';
import type { SipCall } from '../sip/sip-call';
import type { ConsultView } from '../ui/consult-view';
import { ConsultMachine, type ConsultState } from './consult-machine';

export interface ConsultControllerOptions {
  view: ConsultView;
  showMessage(text: string, kind?: 'error' | 'info'): void;
  /** Headset speaker: plays the colleague while consulting, the caller otherwise. */
  speaker: AudioOutput;
  /** Places the consultation INVITE (`X-Switchboard-Consult: aboutCallId`) from the page's user agent. */
  dial(target: string, aboutCallId: string): ConsultCall;
  /** `POST /api/operators/me/conference`. */
  conference(): Promise<void>;
  /** Holds (true) or resumes (false) the caller; false when the re-INVITE failed (the message is shown). */
  setHeld(hold: boolean): Promise<boolean>;
  /** The headset speaker goes back to the caller's audio (after a consultation, in a conference). */
  playCall(): void;
  /** The consultation moved on: the call panel's buttons follow. */
  onChange(): void;
}

/** What a consultation's failed INVITE means for the operator. */
export function consultFailure(status: number): string {
  switch (status) {
    case 486: return 'is busy';
    case 603: return 'declined';
    case 480: case 408: return 'did not answer (or is not reachable)';
    case 404: return 'is not known';
    case 403: return 'cannot be consulted now (only the operator talking to the caller can consult)';
    case 487: return 'was not reached (the call was cancelled)';
    case 0: return 'was not reached';
    default: return `was not reached (the server answered ${status})`;
  }
}

/**
 * Attended transfer and conference from the page: Consult holds the caller and calls a colleague
 * from the page's own user agent; then Complete transfer (REFER with Replaces), Cancel (hang up the
 * consultation and resume the caller) or Conference (the server joins the three on its mixer).
 */
export class ConsultController {
  readonly machine: ConsultMachine;
  private readonly o: ConsultControllerOptions;
  private call: SipCall | undefined;
  private consult: ConsultCall | undefined;
  private label = '';

  constructor(options: ConsultControllerOptions) {
    this.o = options;
    this.machine = new ConsultMachine((to, from) => this.entered(to, from));
    options.view.delegate = {
      onComplete: () => void this.complete(),
      onCancel: () => void this.cancel(),
      onConference: () => void this.makeConference(),
    };
    this.render();
  }

  get state(): ConsultState {
    return this.machine.state;
  }

  /** True while the consultation owns the call's controls (not in a conference, not idle). */
  get active(): boolean {
    const s = this.machine.state;
    return s !== 'none' && s !== 'conference';
  }

  get inConference(): boolean {
    return this.machine.state === 'conference';
  }

  /** Consult `target` (an operator's SIP user) about `call`: hold the caller, then call the colleague. */
  async start(call: SipCall, aboutCallId: string, target: string, label: string): Promise<void> {
    if (!this.machine.can('start')) return;
    this.call = call;
    this.label = label;
    this.machine.send('start');
    if (!call.isHeld && !(await this.o.setHeld(true))) {
      if (this.machine.state === 'holding') this.machine.send('failed');
      return;
    }
    if (this.machine.state !== 'holding') return; // the call ended meanwhile
    let consult: ConsultCall;
    try {
      consult = this.o.dial(target, aboutCallId);
    } catch (error) {
      this.machine.send('failed');
      this.o.showMessage(`Consultation with ${label} not started: ${(error as Error).message}. The caller is on hold; press Resume.`);
      return;
    }
    this.consult = consult;
    consult.delegate = {
      onRinging: () => this.ifCurrent(consult, 'ringing'),
      onAnswered: () => this.ifCurrent(consult, 'answered'),
      onFailed: (status) => void this.failed(consult, status),
      onEnded: () => void this.colleagueLeft(consult),
    };
    this.machine.send('dial');
    try {
      await consult.start();
    } catch (error) {
      if (this.consult === consult && this.machine.can('failed')) {
        this.consult = undefined;
        this.machine.send('failed');
        this.o.showMessage(`Consultation with ${label} not started: ${(error as Error).message}.`);
        await this.o.setHeld(false);
      }
    }
  }

  /** Cancel: hang up (or cancel) the consultation, then resume the caller. */
  async cancel(): Promise<void> {
    const consult = this.consult;
    if (!consult || !this.machine.can('cancel')) return;
    this.consult = undefined;
    this.machine.send('cancel');
    try {
      await consult.hangup();
    } catch (error) {
      this.o.showMessage(`The consultation could not be hung up: ${(error as Error).message}`);
    }
    if (await this.o.setHeld(false)) this.o.showMessage(`Consultation with ${this.label} ended. The caller is back with you.`, 'info');
  }

  /** Complete transfer: REFER with Replaces; on success the server ends both calls and wrap-up follows. */
  async complete(): Promise<void> {
    const consult = this.consult;
    const call = this.call;
    if (!consult || !call || !this.machine.can('complete')) return;
    this.machine.send('complete');
    this.o.showMessage(`Transferring the caller to ${this.label}…`, 'info');
    let failure: string;
    try {
      const result = await call.completeTransfer(consult);
      if (result.status >= 200 && result.status < 300) {
        if (this.machine.can('completed')) this.machine.send('completed');
        this.consult = undefined;
        this.o.showMessage(`Call transferred to ${this.label}.`, 'info');
        return;
      }
      failure = `the server answered ${result.status} ${result.reason}`.trim();
    } catch (error) {
      failure = (error as Error).message;
    }
    if (this.machine.state !== 'completing') return;
    this.machine.send('complete-failed');
    if (consult.isEnded) {
      this.consult = undefined;
      this.machine.send('ended');
      this.o.showMessage(`Transfer to ${this.label} failed: ${failure}. The caller is back with you.`);
      await this.o.setHeld(false);
    } else {
      this.o.showMessage(`Transfer to ${this.label} failed: ${failure}. You are still talking with ${this.label}.`);
    }
  }

  /** Conference: the server moves the caller, this operator and the colleague onto its mixer. */
  async makeConference(): Promise<void> {
    const call = this.call;
    if (!call || !this.consult || !this.machine.can('conference')) return;
    this.machine.send('conference');
    // the server re-INVITEs this call without SDP: the offer sip.js makes must not say "hold"
    const hold = call.leaveHoldForConference();
    try {
      await this.o.conference();
    } catch (error) {
      hold.undo();
      if (this.machine.state !== 'conferencing') return;
      this.machine.send('conference-failed');
      this.o.showMessage(`No conference: ${(error as Error).message}.`);
      if (this.consult?.isEnded) {
        this.consult = undefined;
        this.machine.send('ended');
        await this.o.setHeld(false);
      }
      return;
    }
    this.consult = undefined;
    if (this.machine.state !== 'conferencing') return;
    this.machine.send('joined');
    this.o.showMessage(`Conference with the caller and ${this.label}. Hang up to leave; they stay connected.`, 'info');
  }

  /** The call itself ended (or is going away): any consultation is hung up. */
  reset(): void {
    const consult = this.consult;
    const state = this.machine.state;
    this.consult = undefined;
    this.call = undefined;
    if (state === 'none') return;
    this.machine.send('reset');
    // completing or conferencing, the server ends the consultation itself
    if (consult && !consult.isEnded && state !== 'completing' && state !== 'conferencing') {
      consult.hangup().catch((error: unknown) => console.warn('the consultation could not be hung up', error));
    }
  }

  private ifCurrent(consult: ConsultCall, event: 'ringing' | 'answered'): void {
    if (this.consult === consult && this.machine.can(event)) this.machine.send(event);
  }

  private async failed(consult: ConsultCall, status: number): Promise<void> {
    if (this.consult !== consult || !this.machine.can('failed')) return;
    this.consult = undefined;
    this.machine.send('failed');
    if (await this.o.setHeld(false)) {
      this.o.showMessage(`Consultation failed: ${this.label} ${consultFailure(status)}. The caller is back with you.`);
    } else {
      this.o.showMessage(`Consultation failed: ${this.label} ${consultFailure(status)}. The caller is on hold; press Resume.`);
    }
  }

  /** The colleague (or the server) hung up the answered consultation. */
  private async colleagueLeft(consult: ConsultCall): Promise<void> {
    if (this.consult !== consult) return;
    const state = this.machine.state;
    if (state === 'completing' || state === 'conferencing') return; // the server ends it on purpose; the outcome follows
    this.consult = undefined;
    if (!this.machine.can('ended')) return;
    this.machine.send('ended');
    if (await this.o.setHeld(false)) this.o.showMessage(`${this.label} hung up the consultation. The caller is back with you.`, 'info');
  }

  private entered(to: ConsultState, from: ConsultState): void {
    if ((to === 'none' || to === 'conference') && (from === 'talking' || from === 'completing' || from === 'conferencing')) this.o.playCall();
    if (to === 'talking' && from !== 'completing' && from !== 'conferencing') {
      const stream = this.consult?.remoteStream;
      if (stream) this.o.speaker.play(stream).catch((error: unknown) => this.o.showMessage(`The consultation audio did not start: ${(error as Error).message}`));
    }
    this.render();
    this.o.onChange();
  }

  private render(): void {
    this.o.view.render({ state: this.machine.state, label: this.label });
  }
}
