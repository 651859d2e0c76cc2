import { isAppError } from '../routing';
import { ScriptBook } from './script-book';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return isAppError(err) ? err.code : 'not an AppError';
  }
  return undefined;
};

describe('ScriptBook', () => {
  const queues = new Set(['support', 'sales']);
  const make = (onLimit?: () => void) => new ScriptBook([{ queue: 'support', markdown: '# Hi {caller}' }], { hasQueue: (q) => queues.has(q), maxChars: 20, ...(onLimit ? { onLimit } : {}) });

  it('keeps one script per configured queue; replaces and deletes', () => {
    const book = make();
    expect(book.get('support')).toBe('# Hi {caller}');
    expect(book.get('sales')).toBeUndefined();
    book.set('sales', '  Sell!\n');
    expect(book.get('sales')).toBe('Sell!');
    expect(book.delete('sales')).toBe(true);
    expect(book.delete('sales')).toBe(false);
  });

  it('refuses unknown queues, empty and over-long scripts (counting the limit)', () => {
    let trips = 0;
    const book = make(() => trips++);
    expect(codeOf(() => book.get('nowhere'))).toBe('ERR_UNKNOWN_QUEUE');
    expect(codeOf(() => book.set('nowhere', 'x'))).toBe('ERR_UNKNOWN_QUEUE');
    expect(codeOf(() => book.set('sales', '   '))).toBe('ERR_INVALID_INPUT');
    expect(codeOf(() => book.set('sales', 'x'.repeat(21)))).toBe('ERR_INVALID_INPUT');
    expect(trips).toBe(1);
    expect(book.get('sales')).toBeUndefined();
  });
});
