import {
  alignTelephoneEvent, answerDirection, audioDirection, dtlsSetup, keepAudioCodecs, renumberPayloadType, telephoneEventPt, withDirection, withDtlsSetup,
  withoutSsrc,
} from './sdp-edit';
import { summarizeSdp } from './sdp-summary';

const sdp = (...media: string[]) => ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ...media, ''].join('\r\n');
const trunk = sdp('m=audio 4000 RTP/AVP 0 8 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=sendrecv');

describe('SDP edits', () => {
  it('answers directions as RFC 3264 says', () => {
    expect(answerDirection('sendonly')).toBe('recvonly');
    expect(answerDirection('recvonly')).toBe('sendonly');
    expect(answerDirection('inactive')).toBe('inactive');
    expect(answerDirection('sendrecv')).toBe('sendrecv');
  });

  it('rewrites the direction of every media section and drops session-level ones', () => {
    const two = sdp('a=sendonly', 'm=audio 4000 RTP/AVP 0', 'a=sendrecv', 'm=video 0 RTP/AVP 96');
    const out = withDirection(two, 'inactive');
    expect(out.match(/a=inactive/g)).toHaveLength(2);
    expect(out).not.toMatch(/a=send/);
    expect(audioDirection(out)).toBe('inactive');
    expect(audioDirection(trunk)).toBe('sendrecv');
    expect(summarizeSdp(out).media).toHaveLength(2);
  });

  it('drops the SSRC lines (a=ssrc, a=ssrc-group) and nothing else', () => {
    const browser = sdp('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=rtpmap:111 opus/48000/2', 'a=msid:s t', 'a=ssrc-group:FID 1 2',
      'a=ssrc:2923637777 cname:OCTrTcSddCIniOGa', 'a=ssrc:2923637777 msid:s t', 'a=sendrecv');
    const out = withoutSsrc(browser);
    expect(out).not.toMatch(/a=ssrc/);
    expect(out).toBe(sdp('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=rtpmap:111 opus/48000/2', 'a=msid:s t', 'a=sendrecv'));
    expect(withoutSsrc(trunk)).toBe(trunk);
    expect(withoutSsrc(trunk.replace(/\r\n/g, '\n') + 'a=ssrc:1 cname:x')).toBe(trunk.replace(/\r\n/g, '\n'));
  });

  it('turns actpass into a definite DTLS role', () => {
    const offer = sdp('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=setup:actpass');
    expect(dtlsSetup(offer)).toBe('actpass');
    expect(dtlsSetup(withDtlsSetup(offer, 'passive'))).toBe('passive');
    expect(dtlsSetup(trunk)).toBeUndefined();
  });

  it('keeps one codec (and telephone-event), or everything when the codec is not there', () => {
    const only = keepAudioCodecs(trunk, ['PCMA']);
    expect(summarizeSdp(only).media[0].codecs.map((c) => c.name)).toEqual(['PCMA', 'telephone-event']);
    expect(only).not.toContain('PCMU');
    expect(keepAudioCodecs(trunk, ['opus'])).toBe(trunk);
  });

  it('renumbers telephone-event to the number the other leg uses, unless it is taken', () => {
    const browser = sdp('m=audio 9 UDP/TLS/RTP/SAVPF 111 110 126', 'a=rtpmap:111 opus/48000/2', 'a=rtpmap:110 telephone-event/48000',
      'a=rtpmap:126 telephone-event/8000', 'a=fmtp:126 0-15');
    expect(telephoneEventPt(browser)).toBe(126);
    expect(telephoneEventPt(browser, 48000)).toBe(110);
    const aligned = alignTelephoneEvent(browser, 101);
    expect(aligned.original).toBe(126);
    expect(aligned.sdp).toContain('m=audio 9 UDP/TLS/RTP/SAVPF 111 110 101\r\n');
    expect(aligned.sdp).toContain('a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15');
    expect(renumberPayloadType(aligned.sdp, 101, 126)).toBe(browser);
    expect(alignTelephoneEvent(browser, 111)).toEqual({ sdp: browser, original: undefined });
    expect(alignTelephoneEvent(trunk, 101)).toEqual({ sdp: trunk, original: undefined });
  });
});
