import { i18n } from '../i18n/translator';
import type { Block } from '../scripts/markdown';
import { renderScript, type ScriptValues } from '../scripts/render-script';
import { byId } from './dom';

/** The call script panel: shown beside a call whose queue has a script, from ringing to wrap-up. */
export class ScriptView {
  private readonly doc: Document;
  private readonly panel: HTMLElement;
  private readonly status: HTMLElement;
  private readonly text: HTMLElement;

  constructor(doc: Document) {
    this.doc = doc;
    this.panel = byId(doc, 'script-view', HTMLElement);
    this.status = byId(doc, 'script-status', HTMLElement);
    this.text = byId(doc, 'script-text', HTMLElement);
  }

  showLoading(): void {
    this.setStatus(i18n.t('script.loading'));
    this.text.replaceChildren();
    this.panel.hidden = false;
  }

  show(blocks: readonly Block[], values: ScriptValues): void {
    this.setStatus('');
    this.text.replaceChildren(renderScript(this.doc, blocks, values));
    this.panel.hidden = false;
  }

  showError(message: string): void {
    this.text.replaceChildren();
    this.setStatus(i18n.t('script.failed', { error: message }));
    this.panel.hidden = false;
  }

  hide(): void {
    this.panel.hidden = true;
    this.text.replaceChildren();
    this.setStatus('');
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
    this.status.hidden = text === '';
  }
}
