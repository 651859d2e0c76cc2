import { answerParams, checkLegSdp, checkProducedSdp, mediaPolicy, offerParams, policyCodecs } from './leg-profiles';
import { MediaErrorCode } from './errors';

const sdp = (...media: string[]) =>
  ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ...media, ''].join('\r\n');

describe('checkLegSdp', () => {
  it.each([
    ['trunk', sdp('m=audio 4000 RTP/AVP 8 0 101', 'a=rtpmap:101 telephone-event/8000'), ['PCMA', 'PCMU']],
    ['browser', sdp('m=audio 9 UDP/TLS/RTP/SAVPF 111 0', 'a=rtpmap:111 opus/48000/2'), ['opus', 'PCMU']],
  ] as const)('returns the %s leg codecs in SDP order', (leg, body, codecs) => {
    expect(checkLegSdp(body, leg)).toEqual(codecs);
  });

  it.each([
    ['trunk', 'G.729 only', sdp('m=audio 4000 RTP/AVP 18')],
    ['trunk', 'Opus (not a trunk codec)', sdp('m=audio 4000 RTP/AVP 96', 'a=rtpmap:96 opus/48000/2')],
    ['trunk', 'telephone-event alone', sdp('m=audio 4000 RTP/AVP 101', 'a=rtpmap:101 telephone-event/8000')],
    ['browser', 'G.722 only', sdp('m=audio 9 UDP/TLS/RTP/SAVPF 9')],
  ] as const)('rejects a %s SDP with %s', (leg, _what, body) => {
    expect(() => checkLegSdp(body, leg)).toThrow(expect.objectContaining({ code: MediaErrorCode.CodecUnsupported }));
  });

  it('reports SDP errors before codec errors', () => {
    expect(() => checkLegSdp('nonsense', 'trunk')).toThrow(expect.objectContaining({ code: MediaErrorCode.SdpInvalid }));
    expect(() => checkLegSdp(sdp('m=video 5000 RTP/AVP 96'), 'trunk')).toThrow(expect.objectContaining({ code: MediaErrorCode.NoAudio }));
  });
});

describe('checkProducedSdp', () => {
  it('refuses plain RTP towards a browser', () => {
    expect(() => checkProducedSdp(sdp('m=audio 4000 RTP/AVP 0'), 'browser')).toThrow(expect.objectContaining({ code: MediaErrorCode.RelayError }));
  });
  it('refuses a browser SDP without a DTLS fingerprint', () => {
    expect(() => checkProducedSdp(sdp('m=audio 4000 UDP/TLS/RTP/SAVPF 0'), 'browser')).toThrow(/fingerprint/);
  });
  it('accepts a proper browser SDP', () => {
    expect(() => checkProducedSdp(sdp('m=audio 4000 UDP/TLS/RTP/SAVPF 0', 'a=fingerprint:sha-256 AA'), 'browser')).not.toThrow();
  });
});

describe('offerParams / answerParams', () => {
  const opus = mediaPolicy('opus');
  it('gives a browser ICE, DTLS-SRTP only, rtcp-mux, and G.711 first by default', () => {
    expect(offerParams('trunk', 'browser')).toMatchObject({
      'transport-protocol': 'UDP/TLS/RTP/SAVPF', ICE: 'force', SDES: ['off'], 'rtcp-mux': ['offer', 'require'],
      codec: { mask: ['all'], transcode: ['PCMU', 'PCMA', 'opus', 'telephone-event'] },
    });
    expect(answerParams('browser')).toMatchObject({ ICE: 'force', SDES: ['off'] });
  });
  it('offers a browser Opus first under the opus policy', () => {
    expect(offerParams('trunk', 'browser', undefined, opus)).toMatchObject({ codec: { transcode: ['opus', 'PCMU', 'PCMA', 'telephone-event'] } });
  });
  it.each([
    ['avoid-transcoding', mediaPolicy(), undefined],
    ['opus', opus, ['opus', 'telephone-event']],
  ] as const)('gives a trunk plain RTP with G.711 only (%s: browser answered with %j)', (_name, policy, accept) => {
    const params = offerParams('browser', 'trunk', undefined, policy);
    expect(params).toMatchObject({ 'transport-protocol': 'RTP/AVP', ICE: 'remove', DTLS: 'off', codec: { mask: ['all'], transcode: ['PCMU', 'PCMA', 'telephone-event'] } });
    expect((params.codec as { accept?: string[] }).accept).toEqual(accept);
    expect(answerParams('trunk', policy)).toMatchObject({ ICE: 'remove' });
  });
  it.each([
    ['avoid-transcoding', mediaPolicy(), false],
    ['avoid-transcoding once DTMF is injected', mediaPolicy('avoid-transcoding', true), true],
    ['opus', opus, true],
  ] as const)('marks offers and answers for DTMF injection only when it is on (%s)', (_name, policy, inject) => {
    for (const params of [offerParams('trunk', 'browser', undefined, policy), offerParams('browser', 'trunk', undefined, policy), answerParams('trunk', policy), answerParams('browser', policy)]) {
      expect((params.flags as string[]).includes('inject DTMF')).toBe(inject);
    }
  });
  it('narrows and orders the codecs, ignoring ones the leg does not allow', () => {
    expect(offerParams('trunk', 'browser', ['PCMU'])).toMatchObject({ codec: { transcode: ['PCMU', 'telephone-event'] } });
    expect(offerParams('trunk', 'trunk', ['opus', 'PCMA'])).toMatchObject({ codec: { transcode: ['PCMA', 'telephone-event'] } });
    expect(() => offerParams('trunk', 'trunk', ['opus'])).toThrow(expect.objectContaining({ code: MediaErrorCode.CodecUnsupported }));
  });
  it.each([
    ['avoid-transcoding', ['opus', 'PCMA', 'PCMU'], ['PCMA', 'PCMU', 'opus']],
    ['opus', ['PCMA', 'opus'], ['PCMA', 'opus']],
  ] as const)('orders a browser offer under %s', (policy, given, expected) => {
    expect(policyCodecs('browser', policy, given)).toEqual(expected);
  });
});
