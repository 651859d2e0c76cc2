import { byId, setOptions } from './dom';
import { formatDuration } from './format';

export interface WrapUpViewDelegate {
  onWrapUp?(disposition: string, notes: string): void;
}

export interface WrapUpExtendDelegate {
  onExtend?(): void;
}

/** What the operator has typed so far. */
export interface WrapUpDraft {
  disposition: string;
  notes: string;
}

/** Below this many seconds the countdown is shown as urgent. */
export const URGENT_SECONDS = 10;

/** After a call: the time left (with Extend), disposition code and notes. */
export class WrapUpView {
  /** The form's submission (the call controller). */
  delegate: WrapUpViewDelegate | undefined;
  /** The Extend button (the wrap-up clock). */
  extendDelegate: WrapUpExtendDelegate | undefined;
  private readonly section: HTMLElement;
  private readonly disposition: HTMLSelectElement;
  private readonly notes: HTMLTextAreaElement;
  private readonly submit: HTMLButtonElement;
  private readonly time: HTMLElement;
  private readonly countdown: HTMLElement;
  private readonly extend: HTMLButtonElement;

  constructor(doc: Document) {
    this.section = byId(doc, 'wrapup-view', HTMLElement);
    this.disposition = byId(doc, 'wrapup-disposition', HTMLSelectElement);
    this.notes = byId(doc, 'wrapup-notes', HTMLTextAreaElement);
    this.submit = byId(doc, 'wrapup-submit', HTMLButtonElement);
    this.time = byId(doc, 'wrapup-time', HTMLElement);
    this.countdown = byId(doc, 'wrapup-countdown', HTMLElement);
    this.extend = byId(doc, 'wrapup-extend', HTMLButtonElement);
    this.extend.addEventListener('click', () => {
      if (this.extend.getAttribute('aria-disabled') === 'true') return;
      this.extendDelegate?.onExtend?.();
    });
    byId(doc, 'wrapup-form', HTMLFormElement).addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (this.submit.getAttribute('aria-disabled') === 'true') return;
      if (!this.disposition.value) {
        this.disposition.setAttribute('aria-invalid', 'true');
        this.disposition.focus();
        return;
      }
      this.disposition.removeAttribute('aria-invalid');
      this.delegate?.onWrapUp?.(this.disposition.value, this.notes.value.trim());
    });
  }

  /** The server's disposition codes; without any, the single code "completed" is offered. */
  setDispositions(dispositions: readonly string[]): void {
    const codes = dispositions.length > 0 ? dispositions : ['completed'];
    setOptions(this.disposition, [{ value: '', label: 'Choose a disposition…' }, ...codes.map((d) => ({ value: d, label: d }))]);
  }

  /** Shows an empty form and moves focus to it. */
  open(): void {
    if (!this.section.hidden) return;
    this.disposition.value = '';
    this.notes.value = '';
    this.setBusy(false);
    this.section.hidden = false;
    this.disposition.focus();
  }

  close(): void {
    this.section.hidden = true;
  }

  get isOpen(): boolean {
    return !this.section.hidden;
  }

  /** What is in the form now (notes trimmed). */
  draft(): WrapUpDraft {
    return { disposition: this.disposition.value, notes: this.notes.value.trim() };
  }

  /** A submission is in flight. */
  get busy(): boolean {
    return this.submit.getAttribute('aria-disabled') === 'true';
  }

  /** While submitting; aria-disabled keeps the focus on the button. */
  setBusy(busy: boolean): void {
    this.submit.setAttribute('aria-disabled', String(busy));
  }

  /**
   * Seconds until the server ends the wrap-up by itself; undefined hides the countdown (no limit
   * known). `canExtend` false greys Extend out (limit reached, or a request in flight).
   */
  setTimeLeft(seconds: number | undefined, canExtend: boolean, hint = ''): void {
    this.time.hidden = seconds === undefined;
    if (seconds === undefined) return;
    const whole = Math.max(0, Math.ceil(seconds));
    this.countdown.textContent = `${formatDuration(whole)} left to wrap up`;
    this.countdown.dataset.seconds = String(whole);
    this.time.dataset.urgent = String(whole <= URGENT_SECONDS);
    this.extend.setAttribute('aria-disabled', String(!canExtend));
    this.extend.title = hint;
  }
}
