import { ApiError, parseCustomer, parseCustomerCard } from './contract';

const ADA = {
  id: 'c-1', phones: ['+4930111222'], name: 'Ada', company: 'Analytical Engines', notes: 'prefers mornings',
  tags: ['vip', 7], fields: { tier: 'gold' }, createdAt: '2026-01-01T10:00:00.000Z', updatedAt: '2026-01-01T10:00:00.000Z',
};

describe('customer card contract', () => {
  it('reads a known customer with their last calls', () => {
    const card = parseCustomerCard({
      customer: ADA,
      lastCalls: [{ callId: 'k1', arrivedAt: '2026-01-02T09:00:00.000Z', queue: 'support', operatorId: 'alice', outcome: 'answered', disposition: 'callback', notes: 'call back Monday' }],
    });
    expect(card.customer).toEqual({ id: 'c-1', phones: ['+4930111222'], name: 'Ada', company: 'Analytical Engines', notes: 'prefers mornings', tags: ['vip'] });
    expect(card.lastCalls).toEqual([{ callId: 'k1', arrivedAt: '2026-01-02T09:00:00.000Z', queue: 'support', operatorId: 'alice', outcome: 'answered', disposition: 'callback', notes: 'call back Monday' }]);
  });

  it('reads a new caller (no customer) and fills missing optional fields with empty text', () => {
    const card = parseCustomerCard({ customer: null, lastCalls: [{ callId: 'k2', arrivedAt: '2026-01-02T09:00:00.000Z', queue: 'sales', outcome: 'abandoned' }] });
    expect(card.customer).toBeNull();
    expect(card.lastCalls[0]).toMatchObject({ operatorId: '', disposition: '', notes: '' });
    expect(parseCustomer({ id: 'c-2' })).toEqual({ id: 'c-2', phones: [], name: '', company: '', notes: '', tags: [] });
  });

  it('refuses answers that are not a card', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return error instanceof ApiError ? error.code : 'other';
      }
      return 'none';
    };
    expect(code(() => parseCustomerCard({ customer: null }))).toBe('ERR_BAD_RESPONSE');
    expect(code(() => parseCustomerCard({ customer: { name: 'no id' }, lastCalls: [] }))).toBe('ERR_BAD_RESPONSE');
    expect(code(() => parseCustomerCard({ customer: null, lastCalls: [{ queue: 'x' }] }))).toBe('ERR_BAD_RESPONSE');
    expect(code(() => parseCustomerCard([]))).toBe('ERR_BAD_RESPONSE');
  });
});
