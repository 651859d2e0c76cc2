import { activeAudio, summarizeSdp } from './sdp-summary';
import { MediaErrorCode } from '../errors';

const sdp = (...media: string[]) =>
  ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ...media, ''].join('\r\n');

describe('summarizeSdp', () => {
  it('reads audio sections with rtpmap and static payload types', () => {
    const s = summarizeSdp(sdp('m=audio 4000 RTP/AVP 0 8 101', 'a=rtpmap:101 telephone-event/8000', 'a=sendonly'));
    expect(s.media).toEqual([expect.objectContaining({
      type: 'audio', port: 4000, proto: 'RTP/AVP', address: '127.0.0.1', direction: 'sendonly',
      codecs: [
        { payloadType: 0, name: 'PCMU', clockRate: 8000, channels: 1 },
        { payloadType: 8, name: 'PCMA', clockRate: 8000, channels: 1 },
        { payloadType: 101, name: 'telephone-event', clockRate: 8000, channels: 1 },
      ],
    })]);
  });

  it('reads WebRTC sections, media-level c= and opus channels', () => {
    const s = summarizeSdp(sdp('m=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=rtpmap:111 opus/48000/2'));
    expect(s.media[0]).toMatchObject({ proto: 'UDP/TLS/RTP/SAVPF', address: '0.0.0.0', codecs: [{ name: 'opus', channels: 2 }] });
  });

  it.each([
    ['an empty body', ''],
    ['plain text', 'hello, this is not SDP'],
    ['JSON', '{"sdp": "v=0"}'],
    ['a body without o=', 'v=0\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\n'],
    ['a broken media line', sdp('m=audio four RTP/AVP 0')],
    ['a line without =', sdp('m=audio 4000 RTP/AVP 0', 'garbage')],
  ])('rejects %s with ERR_MEDIA_SDP_INVALID', (_name, body) => {
    expect(() => summarizeSdp(body)).toThrow(expect.objectContaining({ code: MediaErrorCode.SdpInvalid }));
  });
});

describe('activeAudio', () => {
  it.each([
    ['video only', sdp('m=video 5000 RTP/AVP 96', 'a=rtpmap:96 VP8/90000')],
    ['a disabled audio section', sdp('m=audio 0 RTP/AVP 0')],
    ['no media at all', sdp()],
  ])('rejects %s with ERR_MEDIA_NO_AUDIO', (_name, body) => {
    expect(() => activeAudio(summarizeSdp(body))).toThrow(expect.objectContaining({ code: MediaErrorCode.NoAudio }));
  });
});
