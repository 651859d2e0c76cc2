import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchTestBrowser, openBlankPage } from '../../media/testing/browser';
import { BrowserPeer } from '../../media/testing/webrtc-peer';
import { detectTone } from '../../media/testing/goertzel';
import { sineWav } from '../../media/testing/wav';
import type { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { newCallId, startTestRelay, type TestRelay } from './relay-fixture';

/** Waits until the trunk endpoint's last second of audio (received from now on) carries `frequency`. */
async function trunkHears(trunk: RtpEndpoint, frequency: number, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  let last = { detected: false, ratio: 0, rms: 0 };
  trunk.clearReceived();
  while (Date.now() < deadline) {
    const samples = trunk.receivedSamples();
    if (samples.length >= 8000) {
      last = detectTone(samples.subarray(samples.length - 8000), 8000, frequency);
      if (last.detected) return last;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

/**
 * What Complete transfer and Conference do to a device: its running peer connection (Chromium,
 * 440 Hz) makes a new offer that is answered by another rtpengine session (as after an offerless
 * re-INVITE). The first session works; in the second, neither side hears the other.
 */
describe('a browser peer connection moved to another rtpengine session', () => {
  let relay: TestRelay;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-move-'));
    const mic = join(dir, 'mic-440.wav');
    await writeFile(mic, sineWav({ frequency: 440, sampleRate: 48000, seconds: 10, amplitude: 0.5 }));
    [relay, browser] = await Promise.all([startTestRelay(), launchTestBrowser({ fakeAudioFile: mic })]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await relay?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A new rtpengine session between the browser's offer and a trunk endpoint sending `tone`. */
  async function session(peer: BrowserPeer, offerSdp: string, tone: number) {
    const trunk = await relay.endpoint({ codec: 'PCMU' });
    const callId = newCallId('move');
    const offer = await relay.relay.offer({ callId, fromTag: 'operator', sdp: offerSdp, from: 'browser', to: 'trunk' });
    trunk.useRemoteSdp(offer.sdp);
    const answer = await relay.relay.answer({ callId, fromTag: 'operator', toTag: 'trunk', sdp: trunk.sdp(), from: 'trunk', to: 'browser' });
    await peer.acceptAnswer(answer.sdp);
    trunk.startSending(tone);
    return { trunk, callId };
  }

  // Skipped: a known failure (#10). rtpengine shows one certificate fingerprint in every session, so
  // Chromium apparently keeps the DTLS-SRTP keys of the first session and never answers the second session's
  // handshake (rtpengine counts the browser's packets as errors and sends it nothing). rtpengine's
  // `DTLS-fingerprint` option (SHA-1/SHA-384) did not change the fingerprint it announced.
  it.skip('hears and is heard in the second session', async () => {
    const peer = new BrowserPeer(await openBlankPage(browser));
    const callIds: string[] = [];
    try {
      const first = await session(peer, await peer.offer(), 1000);
      callIds.push(first.callId);
      await peer.waitConnected();
      expect(await peer.detectTone(1000)).toMatchObject({ detected: true });
      expect(await trunkHears(first.trunk, 440)).toMatchObject({ detected: true });

      const second = await session(peer, await peer.reoffer('sendrecv'), 1600);
      callIds.push(second.callId);
      expect(await peer.detectTone(1600)).toMatchObject({ detected: true });
      expect(await trunkHears(second.trunk, 440)).toMatchObject({ detected: true });
    } finally {
      await peer.close();
      await peer.page.context().close();
      for (const callId of callIds) await relay.relay.delete({ callId });
    }
  }, 90_000);
});
