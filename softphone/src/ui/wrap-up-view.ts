import { byId, setOptions } from './dom';

export interface WrapUpViewDelegate {
  onWrapUp?(disposition: string, notes: string): void;
}

/** After a call: disposition code and notes. */
export class WrapUpView {
  delegate: WrapUpViewDelegate | undefined;
  private readonly section: HTMLElement;
  private readonly disposition: HTMLSelectElement;
  private readonly notes: HTMLTextAreaElement;
  private readonly submit: HTMLButtonElement;

  constructor(doc: Document) {
    this.section = byId(doc, 'wrapup-view', HTMLElement);
    this.disposition = byId(doc, 'wrapup-disposition', HTMLSelectElement);
    this.notes = byId(doc, 'wrapup-notes', HTMLTextAreaElement);
    this.submit = byId(doc, 'wrapup-submit', HTMLButtonElement);
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

  /** While submitting; aria-disabled keeps the focus on the button. */
  setBusy(busy: boolean): void {
    this.submit.setAttribute('aria-disabled', String(busy));
  }
}
