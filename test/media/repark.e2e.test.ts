import { readFile } from 'node:fs/promises';
import { mediaAssetPath, MediaErrorCode } from '../../media';
import { openBlankPage } from '../../media/testing/browser';
import { BrowserPeer } from '../../media/testing/webrtc-peer';
import { matchFraction } from '../../media/testing/audio-match';
import { decodeWav } from '../../media/testing/wav';
import { detectTone } from '../../media/testing/goertzel';
import { startTestRelay, type TestRelay } from './relay-fixture';
import { connectOperator, startMicBrowser, trunkHears } from './in-call-helpers';

/**
 * A transfer's media: the caller talks to operator A, is parked again (music), then operator B
 * (another browser, another tone) joins with its own offer; the caller never moves.
 */
describe('repark and connect another leg', () => {
  let relay: TestRelay;
  let micA: Awaited<ReturnType<typeof startMicBrowser>>;
  let micB: Awaited<ReturnType<typeof startMicBrowser>>;

  beforeAll(async () => {
    [relay, micA, micB] = await Promise.all([startTestRelay(), startMicBrowser(440), startMicBrowser(660)]);
  });
  afterAll(async () => {
    await micA?.close();
    await micB?.close();
    await relay?.dispose();
  });

  it('caller ↔ A, repark (music), caller ↔ B, tones both ways each time', async () => {
    const media = relay.relay;
    const call = await connectOperator(relay, micA.browser, { callerHz: 1000, codec: 'PCMA', prefix: 'repark' });
    const { callId, caller, peer: a } = call;
    const b = new BrowserPeer(await openBlankPage(micB.browser));
    try {
      expect(await trunkHears(caller, 440)).toMatchObject({ detected: true });
      expect(await a.detectTone(1000, 10000)).toMatchObject({ detected: true });
      const relayPort = [...caller.receivedFrom().keys()];

      await relay.explain(media.repark({ callId, legTag: 'operator' }));
      await a.close(); // the call layer ends A's dialog
      await media.playMedia({ callId, tag: 'caller', file: mediaAssetPath('musicOnHold') });
      const moh = decodeWav(await readFile(mediaAssetPath('musicOnHold'))).samples;
      await new Promise((r) => setTimeout(r, 500));
      caller.clearReceived();
      const music = await caller.waitForSamples(8000 * 2);
      expect(matchFraction(music.subarray(4000), moh, { count: 3 })).toBeGreaterThanOrEqual(0.6);
      expect(detectTone(music.subarray(4000), 8000, 440).detected).toBe(false);
      expect((await media.callStats(callId)).legs.map((l) => l.tag).sort()).toEqual(['caller', 'caller~parked']);
      await expect(media.repark({ callId, legTag: 'operator' })).rejects.toMatchObject({ code: MediaErrorCode.NotFound });

      const answer = await relay.explain(media.connectParked({ callId, legTag: 'operator-b', sdp: await b.offer(), from: 'browser', codecPolicy: 'opus' }));
      await b.acceptAnswer(answer.sdp);
      await relay.explain(b.waitConnected(20000), 150);
      await media.stopMedia({ callId, tag: 'caller' });
      expect(await b.codec()).toBe('audio/opus');
      await new Promise((r) => setTimeout(r, 500));
      caller.clearReceived();
      expect(await trunkHears(caller, 660)).toMatchObject({ detected: true });
      expect(detectTone(caller.receivedSamples().subarray(-8000), 8000, 440).detected).toBe(false);
      expect(await b.detectTone(1000, 10000)).toMatchObject({ detected: true });
      expect([...caller.receivedFrom().keys()]).toEqual(relayPort);
      expect((await media.callStats(callId)).legs.map((l) => l.tag).sort()).toEqual(['caller', 'operator-b']);

      // DTMF still reaches the caller from B.
      caller.clearDtmf();
      await b.insertDtmf('9#', 120, 80);
      expect(await caller.waitForDigits(2, 15000)).toBe('9#');
    } finally {
      await b.close();
      await b.page.context().close();
      await call.end();
    }
  });
});
