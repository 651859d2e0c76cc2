/**
 * Which customer cards a viewer may read and edit. An operator: only the cards of calls offered to
 * them — a live call ringing them or taken by them, or a recorded call they handled (offered,
 * answered, transferred, wrap-up) — matched by the caller's number or the call's customer link.
 * Supervisors and admins: every card (customers belong to the centre, not to a queue).
 */
import { tryNormalisePhone } from '../records/phone';
import type { Customer } from '../records/model';
import { forbidden, type Viewer } from './access';
import type { LiveCalls, RecordsHttpDeps } from './deps';

const NOT_YOURS = 'not a caller of calls offered to you';

/** The same number in the notations a caller id and a card lookup may use. */
function sameNumber(a: string, b: string): boolean {
  if (a === b) return true;
  const na = tryNormalisePhone(a);
  return na !== undefined && na === tryNormalisePhone(b);
}

export class CustomerAccess {
  constructor(private readonly live: LiveCalls, private readonly store: RecordsHttpDeps['store']) {}

  private liveCallersOf(operatorId: string): string[] {
    return this.live.live().filter((c) => c.operatorId === operatorId || (c.offeredTo ?? []).includes(operatorId)).map((c) => c.caller);
  }

  /** Whether a call from this number was offered to the operator (live or recorded). */
  async offeredNumber(operatorId: string, phone: string): Promise<boolean> {
    if (this.liveCallersOf(operatorId).some((caller) => sameNumber(caller, phone))) return true;
    return (await this.store.queryCalls({ handledBy: operatorId, callers: [phone], limit: 1 })).length > 0;
  }

  /** Throws ERR_FORBIDDEN unless the viewer may read the card of this number. */
  async assertNumber(viewer: Viewer, phone: string): Promise<void> {
    if (viewer.role !== 'operator') return;
    if (!(await this.offeredNumber(viewer.operatorId, phone))) throw forbidden(NOT_YOURS);
  }

  /** Throws ERR_FORBIDDEN unless the viewer may read (and edit) this customer. */
  async assertCustomer(viewer: Viewer, customer: Customer): Promise<void> {
    if (viewer.role !== 'operator') return;
    const live = this.liveCallersOf(viewer.operatorId);
    if (live.some((caller) => customer.phones.some((p) => sameNumber(caller, p)))) return;
    const handled = await this.store.queryCalls({
      handledBy: viewer.operatorId, customerHistory: { customerId: customer.id, phones: customer.phones }, limit: 1,
    });
    if (handled.length === 0) throw forbidden('not a customer of calls offered to you');
  }

  /** Throws ERR_FORBIDDEN unless an operator gives only numbers of calls offered to them (a new card from a call). */
  async assertNewNumbers(viewer: Viewer, phones: readonly string[]): Promise<void> {
    if (viewer.role !== 'operator') return;
    for (const phone of phones) {
      if (!(await this.offeredNumber(viewer.operatorId, phone))) throw forbidden(`${phone.slice(0, 64)}: ${NOT_YOURS}`);
    }
  }
}
