import { readFile } from 'node:fs/promises';
import { MediaError, MediaErrorCode, mediaAssetPath } from '../../media';
import { decodeWav } from '../../media/testing/wav';
import { detectTone } from '../../media/testing/goertzel';
import { matchFraction } from '../../media/testing/audio-match';
import { audioDirection, withDirection } from '../../media/sdp/sdp-edit';
import { activeAudio, summarizeSdp } from '../../media/sdp/sdp-summary';
import { newCallId, startTestRelay, type TestRelay } from './relay-fixture';
import { connectOperator, startMicBrowser, trunkHears } from './in-call-helpers';

/**
 * Hold and resume of a connected call by re-offers (updateLeg): the operator's browser holds
 * (sendonly / inactive) and resumes, the caller hears music on hold meanwhile, the trunk caller's
 * own re-INVITEs are answered too, and a refused re-offer leaves the call on its old media.
 */
describe('hold and resume by re-offer', () => {
  let relay: TestRelay;
  let mic: Awaited<ReturnType<typeof startMicBrowser>>;

  beforeAll(async () => {
    [relay, mic] = await Promise.all([startTestRelay(), startMicBrowser(440)]);
  });
  afterAll(async () => {
    await mic?.close();
    await relay?.dispose();
  });

  it.each(['sendonly', 'inactive'] as const)('the operator holds with %s: the caller hears music, the operator does not; resume brings the tones back', async (hold) => {
    const media = relay.relay;
    const call = await connectOperator(relay, mic.browser, { callerHz: 1000, prefix: `hold-${hold}` });
    const { callId, caller, peer } = call;
    try {
      expect(await trunkHears(caller, 440)).toMatchObject({ detected: true });
      expect(await peer.detectTone(1000, 10000)).toMatchObject({ detected: true });

      // Hold: the browser's re-offer gets an answer it accepts, with the matching direction.
      const held = await relay.explain(media.updateLeg({ callId, legTag: 'operator', sdp: await peer.reoffer(hold), from: 'browser' }));
      expect(audioDirection(held.sdp)).toBe(hold === 'sendonly' ? 'recvonly' : 'inactive');
      expect(held.sdp).toContain('UDP/TLS/RTP/SAVPF');
      await peer.acceptAnswer(held.sdp);
      await media.playMedia({ callId, tag: 'caller', file: mediaAssetPath('musicOnHold') });

      // The caller hears the music (not the operator's 440 Hz); the operator hears nothing of it.
      const moh = decodeWav(await readFile(mediaAssetPath('musicOnHold'))).samples;
      await new Promise((r) => setTimeout(r, 500));
      caller.clearReceived();
      const music = await caller.waitForSamples(8000 * 2);
      expect(matchFraction(music.subarray(4000), moh, { count: 3 })).toBeGreaterThanOrEqual(0.6);
      expect(detectTone(music.subarray(4000), 8000, 440).detected).toBe(false);
      caller.stopSending();
      caller.startSending(0, 0);
      expect(await peer.peakLevelDb(1500)).toBeLessThan(-50);

      // Resume: sendrecv both ways, the music stops, the tones flow both ways again.
      const resumed = await relay.explain(media.updateLeg({ callId, legTag: 'operator', sdp: await peer.reoffer('sendrecv'), from: 'browser' }));
      expect(audioDirection(resumed.sdp)).toBe('sendrecv');
      await peer.acceptAnswer(resumed.sdp);
      await media.stopMedia({ callId, tag: 'caller' });
      caller.startSending(1000);
      await new Promise((r) => setTimeout(r, 500));
      caller.clearReceived();
      expect(await trunkHears(caller, 440)).toMatchObject({ detected: true });
      expect(await peer.detectTone(1000, 10000)).toMatchObject({ detected: true });
    } finally {
      await call.end();
    }
  });

  it("the trunk caller's own re-INVITEs (a PBX holding, then refreshing) are answered without touching the browser leg", async () => {
    const media = relay.relay;
    const call = await connectOperator(relay, mic.browser, { callerHz: 1000, codec: 'PCMA', prefix: 'caller-hold' });
    const { callId, caller, peer } = call;
    try {
      expect(await trunkHears(caller, 440)).toMatchObject({ detected: true });
      const port = caller.receivedFrom().keys().next().value;
      const held = await relay.explain(media.updateLeg({ callId, legTag: 'caller', sdp: withDirection(caller.sdp(['PCMA', 'PCMU']), 'sendonly'), from: 'trunk' }));
      const heldAudio = activeAudio(summarizeSdp(held.sdp))[0];
      expect(heldAudio).toMatchObject({ proto: 'RTP/AVP', direction: 'recvonly' });
      expect(heldAudio.codecs[0].name).toBe('PCMA');
      expect(`127.0.0.1:${heldAudio.port}`).toBe(port);

      const refreshed = await relay.explain(media.updateLeg({ callId, legTag: 'caller', sdp: caller.sdp(['PCMA', 'PCMU']), from: 'trunk' }));
      const audio = activeAudio(summarizeSdp(refreshed.sdp))[0];
      expect(audio).toMatchObject({ proto: 'RTP/AVP', direction: 'sendrecv' });
      expect(audio.codecs[0].name).toBe('PCMA');
      expect(`127.0.0.1:${audio.port}`).toBe(port);
      // The browser leg was never renegotiated, and both directions still carry the tones.
      caller.clearReceived();
      expect(await trunkHears(caller, 440)).toMatchObject({ detected: true });
      caller.stopSending();
      caller.startSending(1200);
      expect(await peer.detectTone(1200, 10000)).toMatchObject({ detected: true });
    } finally {
      await call.end();
    }
  });

  it.each([
    ['not SDP', () => 'hello', MediaErrorCode.SdpInvalid],
    ['G.729 only', (sdp: string) => sdp.replace(/m=audio (\d+) RTP\/AVP .*/, 'm=audio $1 RTP/AVP 18').replace(/a=rtpmap:(0|8|101) .*\r\n/g, '').replace('a=fmtp:101 0-15\r\n', ''), MediaErrorCode.CodecUnsupported],
  ] as const)('a refused re-offer (%s) is a typed SDP error and the call keeps its media', async (_what, mangle, code) => {
    const media = relay.relay;
    const call = await connectOperator(relay, mic.browser, { callerHz: 1000, prefix: 'bad-reoffer' });
    const { callId, caller, peer } = call;
    try {
      expect(await trunkHears(caller, 440)).toMatchObject({ detected: true });
      const err = await media.updateLeg({ callId, legTag: 'caller', sdp: mangle(caller.sdp()), from: 'trunk' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MediaError);
      expect(err).toMatchObject({ code, isSdpRejection: true });
      await expect(media.updateLeg({ callId, legTag: 'operator', sdp: 'v=0\r\n', from: 'browser' })).rejects.toMatchObject({ code: MediaErrorCode.SdpInvalid });
      await expect(media.updateLeg({ callId, legTag: 'nobody', sdp: caller.sdp(), from: 'trunk' })).rejects.toMatchObject({ code: MediaErrorCode.NotFound });
      caller.clearReceived();
      expect(await trunkHears(caller, 440)).toMatchObject({ detected: true });
      caller.stopSending();
      caller.startSending(1200);
      expect(await peer.detectTone(1200, 10000)).toMatchObject({ detected: true });
    } finally {
      await call.end();
    }
  });

  it('a queued (parked) caller refreshing its session keeps its port and its music', async () => {
    const media = relay.relay;
    const caller = await relay.endpoint({ codec: 'PCMU' });
    const callId = newCallId('parked-refresh');
    try {
      const parked = await media.park({ callId, fromTag: 'caller', sdp: caller.sdp() });
      const { port } = caller.useRemoteSdp(parked.sdp);
      caller.startSending(0, 0);
      await media.playMedia({ callId, tag: 'caller', file: mediaAssetPath('musicOnHold') });
      const refreshed = await relay.explain(media.updateLeg({ callId, legTag: 'caller', sdp: caller.sdp(), from: 'trunk' }));
      expect(activeAudio(summarizeSdp(refreshed.sdp))[0]).toMatchObject({ port, direction: 'sendrecv', codecs: [{ name: 'PCMU' }, { name: 'telephone-event' }] });
      const moh = decodeWav(await readFile(mediaAssetPath('musicOnHold'))).samples;
      await new Promise((r) => setTimeout(r, 300));
      caller.clearReceived();
      const music = await caller.waitForSamples(8000 * 2);
      expect(matchFraction(music.subarray(4000), moh, { count: 3 })).toBeGreaterThanOrEqual(0.6);
    } finally {
      await media.delete({ callId });
    }
  });
});
