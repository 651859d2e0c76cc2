import { csvField, parseCsv, toCsv, unguard } from './csv';
import { normalisePhone, tryNormalisePhone } from './phone';

describe('CSV', () => {
  it.each([
    ['a,b\r\nc,d\r\n', [['a', 'b'], ['c', 'd']]],
    ['a,b\nc,d', [['a', 'b'], ['c', 'd']]],
    ['"x, y","say ""hi""",\n', [['x, y', 'say "hi"', '']]],
    ['"two\nlines",z\n', [['two\nlines', 'z']]],
    ['\ufeffid\n1\n\n', [['id'], ['1']]],
  ])('parses %j', (text, rows) => {
    expect(parseCsv(text)).toEqual(rows);
  });

  it.each([['"open\n', 'line 2'], ['a"b\n', 'line 1'], ['"a"b\n', 'line 1']])('refuses %j naming the line', (text, line) => {
    expect(() => parseCsv(text)).toThrow(expect.objectContaining({ code: 'ERR_BAD_CSV', message: expect.stringContaining(line) }));
  });

  it('round-trips awkward values and guards formulas', () => {
    const rows = [['a,b', 'q"uote', 'line\nbreak', '=SUM(A1)', '+4930123']];
    const text = toCsv(['h1', 'h2', 'h3', 'h4', 'h5'], rows);
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(parseCsv(text)[1]?.map(unguard)).toEqual(rows[0]);
  });
});

describe('phone numbers to E.164', () => {
  it.each([
    ['+49 30 1234567', '+49301234567'],
    ['0049 (30) 123-4567', '+49301234567'],
    ['sip:+4930123456@pbx.example;user=phone', '+4930123456'],
    ['tel:+1-202-555-0100', '+12025550100'],
  ])('%s → %s', (raw, e164) => {
    expect(normalisePhone(raw)).toBe(e164);
  });

  it('uses the centre\'s country code for national numbers only when configured', () => {
    expect(tryNormalisePhone('030 1234567')).toBeUndefined();
    expect(normalisePhone('030 1234567', { defaultCountryCode: '49' })).toBe('+49301234567');
  });

  it.each(['', '12', 'anonymous', '+0123456789', '+1234567890123456', 'x'.repeat(100)])('refuses %j', (raw) => {
    expect(() => normalisePhone(raw)).toThrow(expect.objectContaining({ code: 'ERR_BAD_PHONE' }));
  });
});
