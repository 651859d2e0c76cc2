import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchTestBrowser, openBlankPage } from '../../media/testing/browser';
import { BrowserPeer } from '../../media/testing/webrtc-peer';
import { sineWav } from '../../media/testing/wav';
import { newCallId, startTestRelay, type TestRelay } from './relay-fixture';

/**
 * Two headless Chromium instances (fake microphones 440 Hz and 660 Hz) calling each other through
 * rtpengine, as a consultation between two operators: each page decodes the other's tone. rtpengine
 * re-encodes both streams (`inject DTMF`) under SSRCs of its own; a page told the other page's SSRC
 * (rtpengine copies `a=ssrc` across) would receive packets and play silence.
 */
describe('browser WebRTC ↔ rtpengine ↔ browser WebRTC', () => {
  let relay: TestRelay;
  let browsers: Browser[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-b2b-'));
    const mic = async (f: number) => {
      const file = join(dir, `mic-${f}.wav`);
      await writeFile(file, sineWav({ frequency: f, sampleRate: 48000, seconds: 10, amplitude: 0.5 }));
      return file;
    };
    const [a, b] = [await mic(440), await mic(660)];
    const [r, ...launched] = await Promise.all([startTestRelay(), launchTestBrowser({ fakeAudioFile: a }), launchTestBrowser({ fakeAudioFile: b })]);
    relay = r;
    browsers = launched;
  }, 60_000);
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await relay?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // Under `opus` rtpengine re-encodes each stream under SSRCs of its own (the case that once played
  // silence); under the default policy it relays the packets as they come.
  it.each([
    ['opus', 'audio/opus'],
    ['avoid-transcoding', undefined],
  ] as const)('the two browsers hear each other (codec policy %s)', async (codecPolicy, codec) => {
    const alice = new BrowserPeer(await openBlankPage(browsers[0]!));
    const bob = new BrowserPeer(await openBlankPage(browsers[1]!));
    const callId = newCallId('b2b');
    try {
      const offer = await relay.relay.offer({ callId, fromTag: 'alice', sdp: await alice.offer(), from: 'browser', to: 'browser', codecPolicy });
      const answer = await relay.relay.answer({ callId, fromTag: 'alice', toTag: 'bob', sdp: await bob.answer(offer.sdp), from: 'browser', to: 'browser' });
      await alice.acceptAnswer(answer.sdp);
      await Promise.all([alice.waitConnected(), bob.waitConnected()]);
      if (codec) expect(await alice.codec()).toBe(codec);
      expect(await bob.detectTone(440)).toMatchObject({ detected: true });
      expect(await alice.detectTone(660)).toMatchObject({ detected: true });
    } finally {
      await alice.close();
      await bob.close();
      await relay.relay.delete({ callId });
    }
  }, 60_000);
});
