import type { ApiClient } from '../api/api-client';
import type { CustomerCard, CustomerFields } from '../api/contract';
import type { CustomerView } from '../ui/customer-view';

/** What the call controller tells about the caller: a call rang (with its number), or it is over. */
export interface CallerCard {
  /** `callId`: the ringing call, left out of the card's last calls (it is recorded as it progresses). */
  show(phone: string, callId?: string): void;
  clear(): void;
}

/**
 * Screen-pop: loads the caller's customer card when a call rings and keeps it through the call and
 * wrap-up; creates or edits the customer from the card's form. An answer for an earlier call is
 * dropped (a newer call or the end of the call moved on).
 */
export class CustomerController implements CallerCard {
  private phone: string | undefined;
  private callId: string | undefined;
  private card: CustomerCard | undefined;
  private generation = 0;
  private saving = false;

  /** `onCard`: the ringing caller's card loaded (for the call script's `{customer.name}`). */
  constructor(private readonly view: CustomerView, private readonly api: ApiClient, private readonly onCard?: (card: CustomerCard) => void) {
    view.delegate = { onSave: (fields) => void this.save(fields) };
    view.hide();
  }

  show(phone: string, callId?: string): void {
    const generation = ++this.generation;
    this.phone = phone || undefined;
    this.callId = callId;
    this.card = undefined;
    if (!phone) {
      this.view.showNoNumber();
      return;
    }
    this.view.showLoading(phone);
    void this.load(phone, generation);
  }

  clear(): void {
    this.generation++;
    this.phone = undefined;
    this.card = undefined;
    this.view.hide();
  }

  async save(fields: CustomerFields): Promise<void> {
    const phone = this.phone;
    if (phone === undefined || this.card === undefined || this.saving) return;
    const generation = this.generation;
    const existing = this.card.customer;
    this.saving = true;
    this.view.setBusy(true);
    try {
      if (existing) await this.api.updateCustomer(existing.id, fields);
      else await this.api.createCustomer(phone, fields);
      if (generation === this.generation) await this.load(phone, generation);
    } catch (error) {
      if (generation === this.generation) this.view.showError(`The customer was not saved: ${(error as Error).message}`);
    } finally {
      this.saving = false;
    }
  }

  private async load(phone: string, generation: number): Promise<void> {
    try {
      const found = await this.api.customerCard(phone);
      if (generation !== this.generation) return;
      const card = { ...found, lastCalls: found.lastCalls.filter((c) => c.callId !== this.callId) };
      this.card = card;
      this.view.showCard(card);
      this.onCard?.(card);
    } catch (error) {
      if (generation === this.generation) this.view.showError(`The customer card could not be loaded: ${(error as Error).message}`);
    }
  }
}
