import type { MissedHow } from '../app/desk-notices';
import { i18n } from '../i18n/translator';
import { byId } from './dom';

export interface MissedCall {
  at: number;
  caller: string;
  queue: string;
  how: MissedHow;
}

/** The shift's missed calls (newest first), kept while the operator is signed in. */
export class MissedCallsView {
  private readonly list: HTMLOListElement;
  private readonly none: HTMLElement;
  private calls: MissedCall[] = [];

  constructor(doc: Document) {
    this.list = byId(doc, 'missed-calls', HTMLOListElement);
    this.none = byId(doc, 'missed-none', HTMLElement);
    i18n.onChange(() => this.render());
  }

  add(call: MissedCall, max: number): void {
    this.calls = [call, ...this.calls].slice(0, max);
    this.render();
  }

  clear(): void {
    this.calls = [];
    this.render();
  }

  private render(): void {
    const doc = this.list.ownerDocument;
    const time = new Intl.DateTimeFormat(i18n.language, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    this.list.replaceChildren(...this.calls.map((c) => {
      const li = doc.createElement('li');
      li.dataset.how = c.how;
      const when = doc.createElement('time');
      when.dateTime = new Date(c.at).toISOString();
      when.textContent = time.format(c.at);
      li.append(when, ` ${c.caller || i18n.t('alert.unknownCaller')}${c.queue ? ` (${c.queue})` : ''} — ${i18n.t(`missed.${c.how}`)}`);
      return li;
    }));
    this.none.hidden = this.calls.length > 0;
  }
}
