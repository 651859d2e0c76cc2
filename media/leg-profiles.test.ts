import { answerParams, checkLegSdp, checkProducedSdp, offerParams } from './leg-profiles';
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
  it('gives a browser ICE, DTLS-SRTP only, rtcp-mux and Opus first', () => {
    expect(offerParams('trunk', 'browser')).toMatchObject({
      'transport-protocol': 'UDP/TLS/RTP/SAVPF', ICE: 'force', SDES: ['off'], 'rtcp-mux': ['offer', 'require'],
      codec: { mask: ['all'], transcode: ['opus', 'PCMU', 'PCMA', 'telephone-event'] },
    });
    expect(answerParams('browser')).toMatchObject({ ICE: 'force', SDES: ['off'] });
  });
  it('gives a trunk plain RTP with G.711 only', () => {
    expect(offerParams('browser', 'trunk')).toMatchObject({
      'transport-protocol': 'RTP/AVP', ICE: 'remove', DTLS: 'off', codec: { mask: ['all'], transcode: ['PCMU', 'PCMA', 'telephone-event'], accept: ['opus', 'telephone-event'] },
    });
    expect(answerParams('trunk')).toMatchObject({ ICE: 'remove' });
  });
  it('marks every offer and answer for DTMF injection (sendDtmf)', () => {
    for (const params of [offerParams('trunk', 'browser'), offerParams('browser', 'trunk'), answerParams('trunk'), answerParams('browser')]) {
      expect(params.flags).toContain('inject DTMF');
    }
  });
  it('narrows and orders the codecs, ignoring ones the leg does not allow', () => {
    expect(offerParams('trunk', 'browser', ['PCMU'])).toMatchObject({ codec: { transcode: ['PCMU', 'telephone-event'] } });
    expect(offerParams('trunk', 'trunk', ['opus', 'PCMA'])).toMatchObject({ codec: { transcode: ['PCMA', 'telephone-event'] } });
    expect(() => offerParams('trunk', 'trunk', ['opus'])).toThrow(expect.objectContaining({ code: MediaErrorCode.CodecUnsupported }));
  });
});
