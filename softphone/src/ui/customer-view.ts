import type { CardCall, CustomerCard, CustomerFields } from '../api/contract';
import { byId } from './dom';

export interface CustomerViewDelegate {
  /** Create (new caller) or save the edited customer. */
  onSave?(fields: CustomerFields): void;
}

/**
 * The customer card beside the call (screen-pop): a known customer's name, company, tags and notes
 * with an Edit button, or "New caller" with a form to create one; then the caller's last calls.
 * Everything from the server is set with textContent.
 */
export class CustomerView {
  delegate: CustomerViewDelegate | undefined;
  private readonly section: HTMLElement;
  private readonly status: HTMLElement;
  private readonly known: HTMLElement;
  private readonly fresh: HTMLElement;
  private readonly name: HTMLElement;
  private readonly company: HTMLElement;
  private readonly tags: HTMLElement;
  private readonly notes: HTMLElement;
  private readonly edit: HTMLButtonElement;
  private readonly form: HTMLFormElement;
  private readonly nameInput: HTMLInputElement;
  private readonly companyInput: HTMLInputElement;
  private readonly notesInput: HTMLTextAreaElement;
  private readonly save: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;
  private readonly calls: HTMLOListElement;
  private readonly noCalls: HTMLElement;
  private card: CustomerCard | undefined;

  constructor(doc: Document) {
    this.section = byId(doc, 'customer-view', HTMLElement);
    this.status = byId(doc, 'customer-status', HTMLElement);
    this.known = byId(doc, 'customer-known', HTMLElement);
    this.fresh = byId(doc, 'customer-new', HTMLElement);
    this.name = byId(doc, 'customer-name', HTMLElement);
    this.company = byId(doc, 'customer-company', HTMLElement);
    this.tags = byId(doc, 'customer-tags', HTMLElement);
    this.notes = byId(doc, 'customer-notes', HTMLElement);
    this.edit = byId(doc, 'customer-edit', HTMLButtonElement);
    this.form = byId(doc, 'customer-form', HTMLFormElement);
    this.nameInput = byId(doc, 'customer-name-input', HTMLInputElement);
    this.companyInput = byId(doc, 'customer-company-input', HTMLInputElement);
    this.notesInput = byId(doc, 'customer-notes-input', HTMLTextAreaElement);
    this.save = byId(doc, 'customer-save', HTMLButtonElement);
    this.cancel = byId(doc, 'customer-cancel', HTMLButtonElement);
    this.calls = byId(doc, 'customer-calls', HTMLOListElement);
    this.noCalls = byId(doc, 'customer-no-calls', HTMLElement);
    this.edit.addEventListener('click', () => this.openForm());
    this.cancel.addEventListener('click', () => {
      this.form.hidden = true;
      this.edit.focus();
    });
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (this.save.getAttribute('aria-disabled') === 'true') return;
      if (!this.nameInput.value.trim()) {
        this.nameInput.setAttribute('aria-invalid', 'true');
        this.nameInput.focus();
        return;
      }
      this.nameInput.removeAttribute('aria-invalid');
      this.delegate?.onSave?.({ name: this.nameInput.value.trim(), company: this.companyInput.value.trim(), notes: this.notesInput.value.trim() });
    });
  }

  /** While the card loads for `phone`. */
  showLoading(phone: string): void {
    this.reset();
    this.section.hidden = false;
    this.setStatus(`Looking up ${phone}…`);
  }

  /** A call without a number: nothing to look up. */
  showNoNumber(): void {
    this.reset();
    this.section.hidden = false;
    this.setStatus('The caller withheld the number.');
  }

  showError(text: string): void {
    this.section.hidden = false;
    this.setStatus(text);
    this.setBusy(false);
  }

  showCard(card: CustomerCard): void {
    this.reset();
    this.card = card;
    this.section.hidden = false;
    const c = card.customer;
    if (c) {
      this.known.hidden = false;
      this.name.textContent = c.name || 'Customer without a name';
      this.company.textContent = c.company;
      this.company.hidden = c.company === '';
      this.tags.replaceChildren(...c.tags.map((t) => this.element('li', t)));
      this.tags.hidden = c.tags.length === 0;
      this.notes.textContent = c.notes;
      this.notes.hidden = c.notes === '';
    } else {
      this.fresh.hidden = false;
      this.openForm();
    }
    this.calls.replaceChildren(...card.lastCalls.map((call) => this.callItem(call)));
    this.noCalls.hidden = card.lastCalls.length > 0;
  }

  hide(): void {
    this.reset();
    this.section.hidden = true;
  }

  /** While saving; aria-disabled keeps the focus on the button. */
  setBusy(busy: boolean): void {
    this.save.setAttribute('aria-disabled', String(busy));
  }

  private openForm(): void {
    const c = this.card?.customer;
    this.nameInput.value = c?.name ?? '';
    this.companyInput.value = c?.company ?? '';
    this.notesInput.value = c?.notes ?? '';
    this.save.textContent = c ? 'Save customer' : 'Create customer';
    this.cancel.hidden = !c;
    this.setBusy(false);
    this.form.hidden = false;
    if (c) this.nameInput.focus();
  }

  private reset(): void {
    this.card = undefined;
    this.setStatus('');
    this.known.hidden = true;
    this.fresh.hidden = true;
    this.form.hidden = true;
    this.nameInput.removeAttribute('aria-invalid');
    this.calls.replaceChildren();
    this.noCalls.hidden = true;
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
    this.status.hidden = text === '';
  }

  private callItem(call: CardCall): HTMLElement {
    const li = this.element('li', '');
    li.dataset.testid = 'customer-call';
    const when = Number.isNaN(Date.parse(call.arrivedAt)) ? call.arrivedAt : new Date(call.arrivedAt).toLocaleString();
    const parts = [when, call.queue && `queue ${call.queue}`, call.operatorId || 'not answered', call.disposition || call.outcome];
    li.append(this.element('span', parts.filter(Boolean).join(' · ')));
    if (call.notes) li.append(this.element('p', call.notes, 'call-notes'));
    return li;
  }

  private element(tag: string, text: string, className?: string): HTMLElement {
    const el = this.section.ownerDocument.createElement(tag);
    el.textContent = text;
    if (className) el.className = className;
    return el;
  }
}
