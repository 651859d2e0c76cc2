import { MediaError, MediaErrorCode } from '../../media';
import { newCallId, startTestRelay, type TestRelay } from './relay-fixture';

const sdp = (...media: string[]) =>
  ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ...media, ''].join('\r\n');

/** Bad offers get a typed error (signalling answers 488) and leave no session in rtpengine. */
describe('bad SDP offers', () => {
  let relay: TestRelay;
  beforeAll(async () => { relay = await startTestRelay(); });
  afterAll(async () => { await relay?.dispose(); });

  it.each([
    ['text that is not SDP', 'INVITE sip:bob@example.com SIP/2.0\r\n\r\nhello', 'trunk', MediaErrorCode.SdpInvalid],
    ['an SDP without audio', sdp('m=video 5000 RTP/AVP 96', 'a=rtpmap:96 VP8/90000'), 'trunk', MediaErrorCode.NoAudio],
    ['a trunk offering only G.729', sdp('m=audio 5000 RTP/AVP 18', 'a=rtpmap:18 G729/8000'), 'trunk', MediaErrorCode.CodecUnsupported],
    ['a browser offering only G.722', sdp('m=audio 9 UDP/TLS/RTP/SAVPF 9', 'a=rtpmap:9 G722/8000'), 'browser', MediaErrorCode.CodecUnsupported],
  ] as const)('%s → %s, nothing left behind', async (_what, body, from, code) => {
    const callId = newCallId('bad');
    const err = await relay.relay.offer({ callId, fromTag: 'a', sdp: body, from, to: from === 'trunk' ? 'browser' : 'trunk' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaError);
    expect(err).toMatchObject({ code, isSdpRejection: true });
    expect(await relay.relay.listCalls()).not.toContain(callId);
  });

  it('parking a caller with a bad SDP leaves nothing either', async () => {
    const callId = newCallId('bad-park');
    await expect(relay.relay.park({ callId, fromTag: 'a', sdp: sdp('m=audio 5000 RTP/AVP 18') })).rejects.toMatchObject({ code: MediaErrorCode.CodecUnsupported });
    expect(await relay.relay.listCalls()).not.toContain(callId);
  });

  it('a bad answer is refused with a typed error and the offered call stays intact', async () => {
    const trunk = await relay.endpoint();
    const callId = newCallId('bad-answer');
    await relay.relay.offer({ callId, fromTag: 'a', sdp: trunk.sdp(), from: 'trunk', to: 'trunk' });
    await expect(relay.relay.answer({ callId, fromTag: 'a', toTag: 'b', sdp: 'not sdp', from: 'trunk', to: 'trunk' }))
      .rejects.toMatchObject({ code: MediaErrorCode.SdpInvalid });
    expect(await relay.relay.listCalls()).toContain(callId);
    await relay.relay.delete({ callId });
    expect(await relay.relay.listCalls()).not.toContain(callId);
  });

  it('unknown calls: playMedia and callStats say ERR_MEDIA_NOT_FOUND, delete is quiet', async () => {
    await expect(relay.relay.callStats('no-such-call')).rejects.toMatchObject({ code: MediaErrorCode.NotFound });
    await expect(relay.relay.playMedia({ callId: 'no-such-call', tag: 'a', file: '/dev/null' })).rejects.toMatchObject({ code: MediaErrorCode.NotFound });
    await expect(relay.relay.delete({ callId: 'no-such-call' })).resolves.toBeUndefined();
  });
});
