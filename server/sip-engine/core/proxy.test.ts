import { parseDuration, parseProxyCommand, proxyHeaders, MAX_PROXY_TARGETS } from './proxy';

describe('the proxy command as drachtio-srf sends it', () => {
  it('reads the options and destinations of `proxy|txn|remainInDialog|fullResponse|followRedirects|simultaneous|2s|1500ms|a|b`', () => {
    expect(parseProxyCommand(['t1', 'remainInDialog', 'fullResponse', 'followRedirects', 'simultaneous', '2s', '1500ms', 'sip:a@h', 'sip:b@h'])).toEqual({
      txnId: 't1', remainInDialog: true, followRedirects: true, simultaneous: true,
      provisionalTimeoutMs: 2000, finalTimeoutMs: 1500, destinations: ['sip:a@h', 'sip:b@h'], headers: [],
    });
    expect(parseProxyCommand(['t2', '', 'fullResponse', '', 'serial', '', '', 'sip:a@h'])).toMatchObject({
      remainInDialog: false, followRedirects: false, simultaneous: false, provisionalTimeoutMs: undefined, finalTimeoutMs: undefined,
    });
  });

  it('takes the app\'s headers from the message after the leader, leaving those naming the transaction or route', () => {
    const text = 'INVITE sip:a@h SIP/2.0\r\nX-Queue: support\r\nSubject: hi\r\nCall-ID: other\r\nVia: SIP/2.0/UDP x\r\nRoute: <sip:evil>\r\n\r\n';
    expect(proxyHeaders(text)).toEqual([['x-queue', 'support'], ['subject', 'hi']]);
    expect(parseProxyCommand(['t', '', '', '', 'serial', '', '', 'sip:a@h'], text).headers).toHaveLength(2);
    expect(proxyHeaders('')).toEqual([]);
  });

  it('bounds the targets it will try', () => {
    const many = Array.from({ length: 100 }, (_, i) => `sip:u${i}@h`);
    expect(parseProxyCommand(['t', '', '', '', 'serial', '', '', ...many]).destinations).toHaveLength(MAX_PROXY_TARGETS);
  });

  it.each([['2s', 2000], ['1500ms', 1500], ['250', 250], ['', undefined], ['soon', undefined]])('duration %p → %p ms', (text, ms) => {
    expect(parseDuration(text as string)).toBe(ms);
  });
});
