import type { TransferTargets } from '../api/contract';
import { byId } from './dom';

export interface TransferViewDelegate {
  /** The operator asked to choose a target: load the list. */
  onOpen?(): void;
  /** Transfer to `target` (a REFER target); `label` names it for messages. */
  onTransfer?(target: string, label: string): void;
  /** Consult first: hold the caller and call `target`; `kind` says what was chosen (only operators can be consulted). */
  onConsult?(target: string, label: string, kind: 'operator' | 'queue' | 'number'): void;
}

/** The transfer form under the call buttons: an operator or a queue from the list, or a number. View only. */
export class TransferView {
  delegate: TransferViewDelegate | undefined;
  private readonly panel: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly number: HTMLInputElement;
  private readonly go: HTMLButtonElement;
  private readonly consult: HTMLButtonElement;
  readonly button: HTMLButtonElement;

  constructor(doc: Document) {
    this.panel = byId(doc, 'transfer-panel', HTMLElement);
    this.select = byId(doc, 'transfer-target', HTMLSelectElement);
    this.number = byId(doc, 'transfer-number', HTMLInputElement);
    this.go = byId(doc, 'transfer-go', HTMLButtonElement);
    this.button = byId(doc, 'transfer', HTMLButtonElement);
    this.consult = byId(doc, 'transfer-consult', HTMLButtonElement);
    this.button.addEventListener('click', () => {
      if (this.button.getAttribute('aria-disabled') === 'true') return;
      if (this.panel.hidden) this.delegate?.onOpen?.();
      else this.close();
    });
    byId(doc, 'transfer-cancel', HTMLButtonElement).addEventListener('click', () => this.close());
    this.number.addEventListener('input', () => {
      if (this.number.value.trim()) this.select.value = '';
    });
    this.go.addEventListener('click', () => {
      const chosen = this.chosen();
      if (chosen) this.delegate?.onTransfer?.(chosen.target, chosen.label);
    });
    this.consult.addEventListener('click', () => {
      const chosen = this.chosen();
      if (chosen) this.delegate?.onConsult?.(chosen.target, chosen.label, chosen.kind);
    });
  }

  /** The number typed, else the option chosen; nothing chosen marks the list invalid. */
  private chosen(): { target: string; label: string; kind: 'operator' | 'queue' | 'number' } | undefined {
    const number = this.number.value.trim().replace(/[\s()-]/g, '');
    const option = this.select.selectedOptions[0];
    if (number) return { target: number, label: number, kind: 'number' };
    if (option && option.value) {
      return { target: option.value, label: option.dataset.name ?? option.value, kind: option.dataset.kind === 'queue' ? 'queue' : 'operator' };
    }
    this.select.setAttribute('aria-invalid', 'true');
    this.select.focus();
    return undefined;
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  /** Shows the form with the operators (state in the label) and the queues. */
  open(targets: TransferTargets): void {
    const doc = this.select.ownerDocument;
    const placeholder = doc.createElement('option');
    placeholder.value = '';
    placeholder.textContent = 'Choose an operator or a queue…';
    const group = (label: string, kind: 'operator' | 'queue', items: Array<{ value: string; name: string; text: string; free: boolean }>) => {
      const g = doc.createElement('optgroup');
      g.label = label;
      for (const item of items) {
        const o = doc.createElement('option');
        o.value = item.value;
        o.dataset.name = item.name;
        o.dataset.kind = kind;
        o.textContent = item.text;
        if (!item.free) o.dataset.busy = 'true';
        g.append(o);
      }
      return g;
    };
    this.select.replaceChildren(
      placeholder,
      group('Operators', 'operator', targets.operators.map((o) => ({ value: o.target, name: o.name, text: `${o.name} — ${o.state}`, free: o.state === 'available' }))),
      group('Queues', 'queue', targets.queues.map((q) => ({ value: q.target, name: `queue ${q.id}`, text: `${q.id} (${q.waiting} waiting)`, free: true }))),
    );
    this.select.removeAttribute('aria-invalid');
    this.number.value = '';
    this.panel.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    this.select.focus();
  }

  close(): void {
    this.panel.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
  }

  /** A transfer is in flight: the button says so and cannot start another. */
  setPending(pending: boolean): void {
    this.button.setAttribute('aria-disabled', String(pending));
    this.button.textContent = pending ? 'Transferring…' : 'Transfer';
    this.go.disabled = pending;
    this.consult.disabled = pending;
  }
}
