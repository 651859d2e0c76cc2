import { iceCandidateFilter } from './ice-filter';

const offer = [
  'v=0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'a=candidate:1 1 udp 2122194687 127.0.0.1 60127 typ host',
  'a=candidate:2 1 udp 2122063615 192.0.2.2 39749 typ host',
  'a=candidate:3 1 udp 2122267903 ::1 51192 typ host',
  'a=candidate:4 1 udp 2122267903 abc.local 51192 typ host',
  'a=rtcp-mux', '',
].join('\r\n');

describe('iceCandidateFilter', () => {
  it('keeps only candidates in the allowed networks, and every other line', () => {
    const out = iceCandidateFilter(['127.0.0.0/8'])(offer);
    expect(out.split('\r\n').filter((l) => l.startsWith('a=candidate'))).toEqual(['a=candidate:1 1 udp 2122194687 127.0.0.1 60127 typ host']);
    expect(out).toContain('a=rtcp-mux');
  });

  it('handles IPv6 ranges', () => {
    const out = iceCandidateFilter(['::1/128'])(offer);
    expect(out.split('\r\n').filter((l) => l.startsWith('a=candidate')).map((l) => l.split(' ')[4])).toEqual(['::1']);
  });

  it('keeps everything when no network is configured', () => {
    expect(iceCandidateFilter([])(offer)).toBe(offer);
  });
});
