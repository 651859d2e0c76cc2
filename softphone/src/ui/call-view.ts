import type { CallState } from '../app/call-machine';
import type { CallInfo } from '../sip/call-info';
import { DTMF_TONES, type DtmfTone } from '../sip/sip-call';
import { byId, usable } from './dom';
import { formatDuration } from './format';
import { ConsultView } from './consult-view';
import { TransferView } from './transfer-view';
import type { ShortcutAction } from './shortcuts';

export interface CallViewModel {
  state: CallState;
  info: CallInfo | undefined;
  muted: boolean;
  held: boolean;
  /** A hold/resume re-INVITE is in flight. */
  holdPending: boolean;
  /** A consultation is in progress: hold, keypad and transfer wait until it ends. */
  consulting?: boolean;
  /** The call is a three-way conference (no transfer from it). */
  conference?: boolean;
}

export interface CallViewDelegate {
  onAnswer?(): void;
  onDecline?(): void;
  onHangup?(): void;
  onHold?(): void;
  onMute?(): void;
  onDtmf?(tone: DtmfTone): void;
}

const TONE_NAMES: Record<string, string> = { '*': 'star', '#': 'hash' };

/** The call panel: incoming alert, caller details, timer, call buttons, keypad. View only. */
export class CallView {
  delegate: CallViewDelegate | undefined;
  private readonly panel: HTMLElement;
  private readonly idle: HTMLElement;
  private readonly incoming: HTMLElement;
  private readonly details: HTMLElement;
  private readonly caller: HTMLElement;
  private readonly queue: HTMLElement;
  private readonly wait: HTMLElement;
  private readonly timer: HTMLElement;
  private readonly ringing: HTMLElement;
  private readonly actions: HTMLElement;
  private readonly keypad: HTMLElement;
  private readonly muteLabel: HTMLElement;
  private readonly holdLabel: HTMLElement;
  private readonly heldTime: HTMLElement;
  private readonly sentDigits: HTMLElement;
  private readonly callerDigits: HTMLElement;
  readonly transfer: TransferView;
  readonly consult: ConsultView;
  private readonly buttons: Record<'answer' | 'decline' | 'hangup' | 'hold' | 'mute', HTMLButtonElement>;
  private readonly keys = new Map<string, HTMLButtonElement>();
  private lastState: CallState = 'idle';

  constructor(doc: Document) {
    this.panel = byId(doc, 'call-panel', HTMLElement);
    this.idle = byId(doc, 'call-idle', HTMLElement);
    this.incoming = byId(doc, 'incoming-call', HTMLElement);
    this.details = byId(doc, 'call-details', HTMLElement);
    this.caller = byId(doc, 'caller-number', HTMLElement);
    this.queue = byId(doc, 'call-queue', HTMLElement);
    this.wait = byId(doc, 'call-wait', HTMLElement);
    this.timer = byId(doc, 'call-timer', HTMLElement);
    this.ringing = byId(doc, 'ringing-actions', HTMLElement);
    this.actions = byId(doc, 'call-actions', HTMLElement);
    this.keypad = byId(doc, 'keypad', HTMLElement);
    this.muteLabel = byId(doc, 'mute-label', HTMLElement);
    this.holdLabel = byId(doc, 'hold-label', HTMLElement);
    this.heldTime = byId(doc, 'held-time', HTMLElement);
    this.sentDigits = byId(doc, 'sent-digits', HTMLElement);
    this.callerDigits = byId(doc, 'caller-digits', HTMLElement);
    this.transfer = new TransferView(doc);
    this.consult = new ConsultView(doc);
    this.buttons = {
      answer: byId(doc, 'answer', HTMLButtonElement),
      decline: byId(doc, 'decline', HTMLButtonElement),
      hangup: byId(doc, 'hangup', HTMLButtonElement),
      hold: byId(doc, 'hold', HTMLButtonElement),
      mute: byId(doc, 'mute', HTMLButtonElement),
    };
    this.buttons.answer.addEventListener('click', () => this.delegate?.onAnswer?.());
    this.buttons.decline.addEventListener('click', () => this.delegate?.onDecline?.());
    this.buttons.hangup.addEventListener('click', () => this.delegate?.onHangup?.());
    this.buttons.hold.addEventListener('click', () => this.delegate?.onHold?.());
    this.buttons.mute.addEventListener('click', () => this.delegate?.onMute?.());
    for (const tone of DTMF_TONES) {
      const key = doc.createElement('button');
      key.type = 'button';
      key.textContent = tone;
      key.dataset.testid = `dtmf-${tone}`;
      key.setAttribute('aria-label', `Keypad ${TONE_NAMES[tone] ?? tone}`);
      key.setAttribute('aria-keyshortcuts', tone);
      key.addEventListener('click', () => this.delegate?.onDtmf?.(tone));
      this.keys.set(tone, key);
      this.keypad.append(key);
    }
  }

  render(model: CallViewModel): void {
    const { state } = model;
    const inCall = state === 'on-call' || state === 'held';
    this.panel.dataset.state = state;
    this.idle.hidden = state !== 'idle';
    this.incoming.hidden = state !== 'ringing';
    this.details.hidden = state === 'idle' || !model.info;
    this.ringing.hidden = state !== 'ringing' && state !== 'connecting';
    this.buttons.answer.disabled = state !== 'ringing';
    this.buttons.decline.disabled = state !== 'ringing';
    this.actions.hidden = !inCall;
    this.keypad.hidden = !inCall;
    const locked = model.consulting === true;
    for (const key of this.keys.values()) key.disabled = state !== 'on-call' || locked;
    this.buttons.hold.disabled = locked;
    if (model.info) {
      const { info } = model;
      this.caller.textContent = info.caller || 'unknown';
      this.queue.textContent = info.queue || '—';
      this.wait.textContent = formatDuration(info.waitSeconds);
      this.incoming.textContent = info.consultFrom
        ? `${info.consultFrom} is calling you about a call (consultation)`
        : `Incoming call from ${info.caller || 'unknown'}${info.queue ? ` (${info.queue})` : ''}`;
    }
    // aria-disabled, not disabled: the focus stays on the button while the re-INVITE is in flight
    this.buttons.hold.setAttribute('aria-disabled', String(model.holdPending));
    this.buttons.hold.setAttribute('aria-pressed', String(model.held));
    this.holdLabel.textContent = model.holdPending ? (model.held ? 'Resuming…' : 'Holding…') : model.held ? 'Resume' : 'Hold';
    this.buttons.mute.setAttribute('aria-pressed', String(model.muted));
    this.muteLabel.textContent = model.muted ? 'Unmute' : 'Mute';
    if (state === 'ringing' && this.lastState !== 'ringing') this.buttons.answer.focus();
    // after answering the focus goes to Hold, not Hang up: a stray Enter or Space must not end the call
    if (state === 'on-call' && this.lastState === 'connecting') this.buttons.hold.focus();
    if (!inCall) {
      this.transfer.close();
      this.setHeldSeconds(undefined);
    }
    if (locked) this.transfer.close();
    this.transfer.button.disabled = !inCall || locked || model.conference === true;
    if (state === 'idle') {
      this.setElapsed(0);
      this.showSentDigits('');
      this.showCallerDigits('');
    }
    this.lastState = state;
  }

  /** How long the caller has been on hold; undefined hides it. */
  setHeldSeconds(seconds: number | undefined): void {
    this.heldTime.hidden = seconds === undefined;
    if (seconds !== undefined) this.heldTime.textContent = `On hold ${formatDuration(seconds)} — the caller hears music`;
  }

  /** The digits this operator sent during the call. */
  showSentDigits(digits: string): void {
    this.sentDigits.hidden = digits === '';
    this.sentDigits.textContent = digits ? `Sent: ${digits}` : '';
  }

  /** The digits the caller pressed during the call. */
  showCallerDigits(digits: string): void {
    this.callerDigits.hidden = digits === '';
    this.callerDigits.textContent = digits ? `Caller pressed: ${digits}` : '';
  }

  setElapsed(seconds: number): void {
    this.timer.textContent = formatDuration(seconds);
  }

  /** Clicks the button for a keyboard shortcut if it is shown and enabled; true when it did. */
  trigger(action: ShortcutAction): boolean {
    const button = action.kind === 'dtmf' ? this.keys.get(action.tone) : this.buttons[action.kind];
    if (!button || !usable(button)) return false;
    button.click();
    return true;
  }
}
