import type { ApiClient } from '../api/api-client';
import type { CustomerCard, CustomerFields } from '../api/contract';
import type { CustomerView } from '../ui/customer-view';
import { CustomerController } from './customer-controller';

const ADA = { id: 'c-1', phones: ['+4930111222'], name: 'Ada', company: '', notes: '', tags: [] };
const call = (callId: string, notes = '') => ({ callId, arrivedAt: '2026-01-01T10:00:00.000Z', queue: 'support', operatorId: 'alice', outcome: 'answered', disposition: 'resolved', notes });

/** What the view was told, in order. */
function fakeView() {
  const shown: string[] = [];
  const view = {
    delegate: undefined as { onSave?(f: CustomerFields): void } | undefined,
    showLoading: (phone: string) => shown.push(`loading ${phone}`),
    showNoNumber: () => shown.push('no number'),
    showError: (text: string) => shown.push(`error ${text}`),
    showCard: (card: CustomerCard) => shown.push(`card ${card.customer?.name ?? 'new'} [${card.lastCalls.map((c) => c.callId).join(',')}]`),
    hide: () => shown.push('hidden'),
    setBusy: () => undefined,
  };
  return { view, shown };
}

/** An API whose answers the test releases one by one. */
function fakeApi() {
  const pending: Array<{ phone: string; resolve(card: CustomerCard): void }> = [];
  const saved: Array<{ how: string; fields: CustomerFields }> = [];
  const api = {
    customerCard: (phone: string) => new Promise<CustomerCard>((resolve) => pending.push({ phone, resolve })),
    createCustomer: async (phone: string, fields: CustomerFields) => (saved.push({ how: `create ${phone}`, fields }), ADA),
    updateCustomer: async (id: string, fields: CustomerFields) => (saved.push({ how: `update ${id}`, fields }), ADA),
  };
  return { api, pending, saved };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('CustomerController (screen-pop)', () => {
  it('shows the card of the ringing caller without the ringing call itself', async () => {
    const { view, shown } = fakeView();
    const { api, pending } = fakeApi();
    const c = new CustomerController(view as unknown as CustomerView, api as unknown as ApiClient);
    c.show('+4930111222', 'now');
    expect(pending.map((p) => p.phone)).toEqual(['+4930111222']);
    pending[0]!.resolve({ customer: ADA, lastCalls: [call('now'), call('before', 'call back')] });
    await flush();
    expect(shown).toEqual(['hidden', 'loading +4930111222', 'card Ada [before]']);
  });

  it('drops an answer that comes after the call ended or a new call rang', async () => {
    const { view, shown } = fakeView();
    const { api, pending } = fakeApi();
    const c = new CustomerController(view as unknown as CustomerView, api as unknown as ApiClient);
    c.show('+4930111222');
    c.clear();
    c.show('+4930999888');
    pending[0]!.resolve({ customer: ADA, lastCalls: [] });
    pending[1]!.resolve({ customer: null, lastCalls: [] });
    await flush();
    expect(shown).toEqual(['hidden', 'loading +4930111222', 'hidden', 'loading +4930999888', 'card new []']);
  });

  it('creates a new caller with the call\'s number, edits a known one, and reloads the card', async () => {
    const { view, shown } = fakeView();
    const { api, pending, saved } = fakeApi();
    const c = new CustomerController(view as unknown as CustomerView, api as unknown as ApiClient);
    c.show('+4930999888');
    pending[0]!.resolve({ customer: null, lastCalls: [] });
    await flush();
    view.delegate?.onSave?.({ name: 'Grace', company: 'Navy', notes: '' });
    await flush();
    pending[1]!.resolve({ customer: { ...ADA, name: 'Grace' }, lastCalls: [] });
    await flush();
    view.delegate?.onSave?.({ name: 'Grace Hopper', company: 'Navy', notes: 'COBOL' });
    await flush();
    expect(saved.map((s) => s.how)).toEqual(['create +4930999888', 'update c-1']);
    expect(shown.at(-1)).toBe('card Grace []');
  });

  it('says when a call has no number and does not look it up', () => {
    const { view, shown } = fakeView();
    const { api, pending } = fakeApi();
    new CustomerController(view as unknown as CustomerView, api as unknown as ApiClient).show('');
    expect(shown).toEqual(['hidden', 'no number']);
    expect(pending).toHaveLength(0);
  });
});
