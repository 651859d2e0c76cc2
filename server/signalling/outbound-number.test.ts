import { BadNumberError, dialString, normaliseNumber } from './outbound-number';

const germany = { e164: { countryCode: '49', nationalPrefix: '0', internationalPrefix: '00' }, dialPrefix: '' };

describe('numbers sent to an outbound trunk', () => {
  it.each([
    ['+49 30 1234567', germany, '+49301234567'],
    ['030 1234567', germany, '+49301234567'],
    ['0044 20 7946 0000', germany, '+442079460000'],
    ['(030) 123-4567', germany, '+49301234567'],
    ['112', germany, '112'],
    ['030 1234567', { dialPrefix: '' }, '0301234567'],
  ])('%s → %s', (typed, rules, expected) => {
    expect(normaliseNumber(typed, rules)).toBe(expected);
  });

  it('puts the dial prefix in front of the normalised number', () => {
    expect(dialString('030 1234567', { ...germany, dialPrefix: '0' })).toBe('0+49301234567');
    expect(dialString('5550100', { dialPrefix: '9' })).toBe('95550100');
  });

  it.each(['', 'abc', '12a3', '+', '1'.repeat(21)])('refuses %j', (typed) => {
    expect(() => normaliseNumber(typed, germany)).toThrow(BadNumberError);
  });
});
