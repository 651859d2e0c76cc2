import { parseNameAddr, formatNameAddr, tagOf } from './name-addr';
import { parseUri, formatUri } from './uri';
import { parseVia, formatVia } from './via';
import { splitList } from './split';

describe('addresses', () => {
  it.each([
    ['"Bob \\"B\\"" <sip:bob@h;transport=tcp>;tag=9', { displayName: 'Bob "B"', uri: 'sip:bob@h;transport=tcp', tag: '9' }],
    ['Bob <sips:bob@h>', { displayName: 'Bob', uri: 'sips:bob@h', tag: undefined }],
    ['sip:bob@h;tag=abc', { displayName: undefined, uri: 'sip:bob@h', tag: 'abc' }],
    ['<tel:+123>;tag=t', { displayName: undefined, uri: 'tel:+123', tag: 't' }],
  ])('parses name-addr %s', (text, want) => {
    const na = parseNameAddr(text);
    expect(na.displayName).toBe(want.displayName);
    expect(na.uri).toBe(want.uri);
    expect(na.params.get('tag') ?? undefined).toBe(want.tag);
    expect(tagOf(text)).toBe(want.tag);
    expect(parseNameAddr(formatNameAddr(na))).toEqual(na.displayName || na.angle || na.params.size ? { ...na, angle: true } : na);
  });

  it.each(['<sip:a@b', 'no uri here', '"unterminated <sip:a@b>'])('rejects %s', (text) => {
    expect(() => parseNameAddr(text)).toThrow();
  });

  it.each([
    ['sip:alice:pw@[::1]:5070;transport=tcp;lr?subject=x', { user: 'alice', password: 'pw', host: '[::1]', port: 5070 }],
    ['sip:127.0.0.1', { host: '127.0.0.1' }],
    ['sips:+1-555@example.com;user=phone', { user: '+1-555', host: 'example.com' }],
  ])('parses URI %s and formats it back', (text, want) => {
    const u = parseUri(text);
    expect(u).toMatchObject(want);
    expect(formatUri(u)).toBe(text);
  });

  it.each(['sip:', 'nocolon', 'sip:a@b:0', 'sip:a@b:99999', 'sip:a@ho st'])('rejects URI %s', (t) => {
    expect(() => parseUri(t)).toThrow();
  });

  it('parses and formats Via', () => {
    const v = parseVia('SIP/2.0/udp 127.0.0.1:5060;branch=z9hG4bKx;rport;received=1.2.3.4');
    expect(v).toMatchObject({ transport: 'UDP', host: '127.0.0.1', port: 5060 });
    expect(formatVia(v)).toBe('SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx;rport;received=1.2.3.4');
    expect(() => parseVia('garbage')).toThrow();
  });

  it('splits lists at top-level commas only', () => {
    expect(splitList('"a, b" <sip:x@y>, <sip:z@w;p="1,2">')).toEqual(['"a, b" <sip:x@y>', '<sip:z@w;p="1,2">']);
  });
});
