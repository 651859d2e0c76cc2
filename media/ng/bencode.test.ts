import { decode, encode } from './bencode';

describe('bencode', () => {
  it.each([
    ['a string', 'ping', '4:ping'],
    ['UTF-8 by byte length', 'é', '2:é'],
    ['an integer', 42, 'i42e'],
    ['a negative integer', -7, 'i-7e'],
    ['a list', ['a', 1], 'l1:ai1ee'],
    ['a dictionary with sorted keys', { command: 'ping', b: 'x' }, 'd1:b1:x7:command4:pinge'],
  ])('encodes %s', (_name, value, wire) => {
    expect(encode(value).toString('utf8')).toBe(wire);
  });

  it('skips undefined dictionary values', () => {
    expect(encode({ a: undefined, b: 1 }).toString()).toBe('d1:bi1ee');
  });

  it('round-trips a nested ng reply', () => {
    const reply = { result: 'ok', sdp: 'v=0\r\n', totals: { RTP: { packets: 3, bytes: 480 } }, flags: ['ICE', 'rtcp-mux'] };
    expect(decode(encode(reply))).toEqual(reply);
  });

  it.each([
    ['truncated input', 'd6:result'],
    ['trailing bytes', '4:pingX'],
    ['a bad integer', 'i4x2e'],
    ['an unknown type byte', 'x'],
    ['a string longer than the buffer', '10:abc'],
  ])('rejects %s', (_name, wire) => {
    expect(() => decode(Buffer.from(wire))).toThrow(SyntaxError);
  });

  it('rejects fractional numbers on encode', () => {
    expect(() => encode(1.5)).toThrow(TypeError);
  });
});
