import { i18n } from '../i18n/translator';
import { parseMarkdown, type Block } from '../scripts/markdown';
import type { ScriptView } from '../ui/script-view';

export interface ScriptCall {
  queue: string;
  caller: string;
}

/**
 * The queue's call script beside the call: loaded when it rings, placeholders filled from the call
 * (`{caller}`, `{queue}`) and the customer card (`{customer.name}`, once it has loaded), kept
 * through the call and wrap-up. An answer for an earlier call is dropped.
 */
export class ScriptController {
  private generation = 0;
  private blocks: Block[] | undefined;
  private call: ScriptCall | undefined;
  private customerName: string | undefined;

  constructor(private readonly view: ScriptView, private readonly load: (queue: string) => Promise<string | undefined>) {
    view.hide();
    i18n.onChange(() => this.render());
  }

  show(call: ScriptCall): void {
    const generation = ++this.generation;
    this.call = call;
    this.blocks = undefined;
    this.customerName = undefined;
    if (!call.queue) {
      this.view.hide();
      return;
    }
    this.view.showLoading();
    void this.fetch(call.queue, generation);
  }

  /** The customer card of the ringing call loaded (undefined: a caller we do not know). */
  customer(name: string | undefined): void {
    this.customerName = name;
    this.render();
  }

  clear(): void {
    this.generation++;
    this.call = undefined;
    this.blocks = undefined;
    this.view.hide();
  }

  private async fetch(queue: string, generation: number): Promise<void> {
    try {
      const markdown = await this.load(queue);
      if (generation !== this.generation) return;
      if (markdown === undefined) {
        this.view.hide();
        return;
      }
      this.blocks = parseMarkdown(markdown);
      this.render();
    } catch (error) {
      if (generation === this.generation) this.view.showError((error as Error).message);
    }
  }

  private render(): void {
    if (!this.blocks || !this.call) return;
    this.view.show(this.blocks, {
      caller: this.call.caller || i18n.t('alert.unknownCaller'),
      queue: this.call.queue,
      'customer.name': this.customerName ?? i18n.t('script.unknownCustomer'),
    });
  }
}
