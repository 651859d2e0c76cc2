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

/** Waits until the trunk endpoint's last second of received audio carries `frequency`. */
async function trunkHears(trunk: RtpEndpoint, frequency: number, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let last = { detected: false, ratio: 0, rms: 0 };
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
 * Headless Chromium (fake microphone: 440 Hz) ↔ rtpengine ↔ a plain-RTP PCMU endpoint (sending 1 kHz).
 * Each side decodes what it gets and finds the other side's tone.
 */
describe('browser WebRTC ↔ rtpengine ↔ trunk G.711', () => {
  let relay: TestRelay;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-browser-'));
    const mic = join(dir, 'mic-440.wav');
    await writeFile(mic, sineWav({ frequency: 440, sampleRate: 48000, seconds: 10, amplitude: 0.5 }));
    [relay, browser] = await Promise.all([startTestRelay(), launchTestBrowser({ fakeAudioFile: mic })]);
  });
  afterAll(async () => {
    await browser?.close();
    await relay?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['opus', 'audio/opus'],
    ['PCMU', 'audio/PCMU'],
  ] as const)('incoming trunk call answered in the browser with %s', async (codec, mime) => {
    const trunk = await relay.endpoint({ codec: 'PCMU' });
    const peer = new BrowserPeer(await openBlankPage(browser));
    const callId = newCallId(`in-${codec}`);
    try {
      const offer = await relay.relay.offer({ callId, fromTag: 'trunk', sdp: trunk.sdp(), from: 'trunk', to: 'browser', codecs: [codec] });
      expect(offer.sdp).toContain('UDP/TLS/RTP/SAVPF');
      expect(offer.sdp).not.toContain('a=crypto');
      const answer = await relay.relay.answer({
        callId, fromTag: 'trunk', toTag: 'browser', sdp: await peer.answer(offer.sdp), from: 'browser', to: 'trunk',
      });
      expect(answer.sdp).toContain('RTP/AVP');
      trunk.useRemoteSdp(answer.sdp);
      trunk.startSending(1000);
      await peer.waitConnected();
      expect(await peer.codec()).toBe(mime);

      expect(await trunkHears(trunk, 440)).toMatchObject({ detected: true });
      expect(await peer.detectTone(1000)).toMatchObject({ detected: true });

      const stats = await relay.relay.callStats(callId);
      const browserLeg = stats.legs.find((l) => l.tag === 'browser');
      expect(browserLeg?.flags).toEqual(expect.arrayContaining(['ICE', 'DTLS-SRTP', 'rtcp-mux']));
      expect(browserLeg?.rtp.packets).toBeGreaterThan(10);
    } finally {
      await peer.close();
      await peer.page.context().close();
      await relay.relay.delete({ callId });
    }
  });

  it('outgoing call offered by the browser (Opus) to a trunk', async () => {
    const trunk = await relay.endpoint({ codec: 'PCMA' });
    const peer = new BrowserPeer(await openBlankPage(browser));
    const callId = newCallId('out');
    try {
      const offer = await relay.relay.offer({ callId, fromTag: 'operator', sdp: await peer.offer(), from: 'browser', to: 'trunk', codecPolicy: 'opus' });
      expect(offer.sdp).toMatch(/m=audio \d+ RTP\/AVP 0 8 \d+\r\n/);
      trunk.useRemoteSdp(offer.sdp);
      const answer = await relay.relay.answer({ callId, fromTag: 'operator', toTag: 'trunk', sdp: trunk.sdp(), from: 'trunk', to: 'browser' });
      expect(answer.sdp).toContain('UDP/TLS/RTP/SAVPF');
      await peer.acceptAnswer(answer.sdp);
      trunk.startSending(1000);
      await peer.waitConnected();
      expect(await peer.codec()).toBe('audio/opus');
      expect(await trunkHears(trunk, 440)).toMatchObject({ detected: true });
      expect(await peer.detectTone(1000)).toMatchObject({ detected: true });
    } finally {
      await peer.close();
      await peer.page.context().close();
      await relay.relay.delete({ callId });
    }
  });
});
