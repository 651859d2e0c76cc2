import { withOpusFec } from './opus-fec';

const sdp = (...lines: string[]) =>
  ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 UDP/TLS/RTP/SAVPF 111 0 126', ...lines,
    'a=rtpmap:0 PCMU/8000', 'a=rtpmap:126 telephone-event/8000', ''].join('\r\n');

describe('withOpusFec', () => {
  it.each([
    ['no fmtp', ['a=rtpmap:111 opus/48000/2']],
    ['an fmtp without FEC', ['a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10']],
    ['FEC turned off', ['a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=0']],
  ])('asks for in-band FEC with %s', (_what, lines) => {
    const out = withOpusFec(sdp(...lines));
    expect(out).toMatch(/a=fmtp:111 (minptime=10;)?useinbandfec=1\r\n/);
    expect(out).not.toContain('useinbandfec=0');
    expect(out).toContain('a=rtpmap:0 PCMU/8000');
  });
  it('leaves an SDP without Opus or with FEC already on untouched', () => {
    const g711 = sdp().replace('111 0 126', '0 126');
    expect(withOpusFec(g711)).toBe(g711);
    const on = sdp('a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1');
    expect(withOpusFec(on)).toBe(on);
  });
});
