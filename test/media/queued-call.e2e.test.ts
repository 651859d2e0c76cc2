import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { mediaAssetPath } from '../../media';
import { launchTestBrowser, openBlankPage } from '../../media/testing/browser';
import { BrowserPeer } from '../../media/testing/webrtc-peer';
import { detectTone, rms } from '../../media/testing/goertzel';
import { matchFraction } from '../../media/testing/audio-match';
import { decodeWav, sineWav } from '../../media/testing/wav';
import { newCallId, startTestRelay, type TestRelay } from './relay-fixture';

/**
 * The contact-centre path: a trunk caller is answered while no operator is free (park), hears
 * "all operators are busy" and music on hold, then an operator answers in the browser.
 */
describe('queued caller → operator in the browser', () => {
  let relay: TestRelay;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-queue-'));
    const mic = join(dir, 'mic-440.wav');
    await writeFile(mic, sineWav({ frequency: 440, sampleRate: 48000, seconds: 10, amplitude: 0.5 }));
    [relay, browser] = await Promise.all([startTestRelay(), launchTestBrowser({ fakeAudioFile: mic })]);
  });
  afterAll(async () => {
    await browser?.close();
    await relay?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('parks, plays the announcement and music on hold, then bridges to Opus without moving the caller', async () => {
    const media = relay.relay;
    const caller = await relay.endpoint({ codec: 'PCMA' });
    const callId = newCallId('queued');
    const parked = await media.park({ callId, fromTag: 'caller', sdp: caller.sdp(['PCMA', 'PCMU']) });
    expect(parked.sdp).toMatch(/m=audio \d+ RTP\/AVP 8 101\r\n/);
    const relayPort = caller.useRemoteSdp(parked.sdp).port;
    caller.startSending(440);

    const busy = decodeWav(await readFile(mediaAssetPath('allOperatorsBusy'))).samples;
    await media.playMedia({ callId, tag: 'caller', file: mediaAssetPath('allOperatorsBusy'), loop: false });
    caller.clearReceived();
    const heard = await caller.waitForSamples(8000 * 2);
    const speech = heard.subarray(4000, 12000);
    expect(rms(speech)).toBeGreaterThan(200);
    expect(matchFraction(speech, busy, { minRms: 50 })).toBeGreaterThanOrEqual(0.5); // speech has pauses
    await media.stopMedia({ callId, tag: 'caller' });

    await media.playMedia({ callId, tag: 'caller', file: mediaAssetPath('musicOnHold') });
    const moh = decodeWav(await readFile(mediaAssetPath('musicOnHold'))).samples;
    caller.clearReceived();
    const music = await caller.waitForSamples(8000);
    expect(matchFraction(music.subarray(4000), moh, { count: 3 })).toBeGreaterThanOrEqual(0.6);

    // An operator is free: the softphone gets an INVITE without SDP and offers; the caller stays put.
    const peer = new BrowserPeer(await openBlankPage(browser));
    try {
      const answer = await media.connectParked({ callId, legTag: 'operator', sdp: await peer.offer(), from: 'browser', codecPolicy: 'opus' });
      expect(answer.sdp).toContain('UDP/TLS/RTP/SAVPF');
      await peer.acceptAnswer(answer.sdp);
      await relay.explain(peer.waitConnected(), 150);
      expect(await peer.codec()).toBe('audio/opus');
      // Music keeps the operator out until it is stopped.
      await media.stopMedia({ callId, tag: 'caller' });
      expect(await peer.detectTone(440)).toMatchObject({ detected: true });
      caller.stopSending();
      caller.startSending(1000);
      await new Promise((r) => setTimeout(r, 500));
      caller.clearReceived();
      const operator = await caller.waitForSamples(8000, 10000);
      expect(detectTone(operator, 8000, 440)).toMatchObject({ detected: true });
      expect([...caller.receivedFrom().keys()]).toEqual([`127.0.0.1:${relayPort}`]);
      expect(await peer.detectTone(1000)).toMatchObject({ detected: true });
      const stats = await media.callStats(callId);
      expect(stats.legs.map((l) => l.tag).sort()).toEqual(['caller', 'operator']);
    } finally {
      await peer.close();
      await peer.page.context().close();
      await media.delete({ callId });
    }
    expect(await media.listCalls()).not.toContain(callId);
  });
});
