import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ConferenceMixer, type Conference, type MixerParticipant } from '../../media/mixer';
import type { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { rms, toneRatio } from '../../media/testing/goertzel';
import { launchTestBrowser, openBlankPage } from '../../media/testing/browser';
import { BrowserPeer } from '../../media/testing/webrtc-peer';
import { sineWav } from '../../media/testing/wav';
import { newCallId, startTestRelay, type TestRelay } from './relay-fixture';

/**
 * The paths the calls layer takes for a three-way conference: a parked trunk caller (a Node RTP
 * endpoint behind a real rtpengine) is joined to a mixer participant with connectParked (the
 * participant's SDP as a trunk-profile offer); an operator in headless Chromium reaches its mixer
 * participant through its own rtpengine call (Opus ↔ G.711); other parties sit on the mixer directly.
 */
describe('conference mixer behind rtpengine', () => {
  let relay: TestRelay;
  let mixer: ConferenceMixer;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-conference-'));
    const mic = join(dir, 'mic-1000.wav');
    await writeFile(mic, sineWav({ frequency: 1000, sampleRate: 48000, seconds: 10, amplitude: 0.3 }));
    [relay, browser] = await Promise.all([startTestRelay(), launchTestBrowser({ fakeAudioFile: mic })]);
    mixer = new ConferenceMixer();
  });
  afterAll(async () => {
    await mixer?.close();
    await browser?.close();
    await relay?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A parked trunk caller sending `tone`, joined to a new mixer participant with connectParked. */
  async function parkedCaller(conference: Conference, callId: string, tone: number) {
    const caller = await relay.endpoint({ codec: 'PCMA', maxSendSeconds: 60 });
    const parked = await relay.relay.park({ callId, fromTag: 'caller', sdp: caller.sdp(['PCMA', 'PCMU']) });
    const relayPort = caller.useRemoteSdp(parked.sdp).port;
    caller.startSending(tone);
    const bridge = await conference.addParticipant({ codec: 'PCMA', label: 'caller' });
    const answer = await relay.explain(relay.relay.connectParked({ callId, legTag: 'conference', sdp: bridge.sdp(), from: 'trunk' }));
    bridge.setRemoteSdp(answer.sdp);
    return { caller, bridge, relayPort, answer };
  }

  async function hear(endpoint: RtpEndpoint): Promise<Record<number, number>> {
    endpoint.clearReceived();
    await endpoint.waitForSamples(4000, 20000); // half a second for packets in flight to drain
    endpoint.clearReceived();
    const samples = await endpoint.waitForSamples(8000, 20000);
    expect(rms(samples)).toBeGreaterThan(500);
    return Object.fromEntries([440, 1000, 1600].map((f) => [f, +toneRatio(samples, 8000, f).toFixed(2)]));
  }

  /** Each tone of `present` holds more than `min` of the energy (a loaded machine loses packets), each of `absent` less than 3 %. */
  function expectShares(shares: Record<number, number>, present: number[], absent: number[], min = 0.1): void {
    const missing = present.filter((f) => !(shares[f] > min));
    const unwanted = absent.filter((f) => !(shares[f] < 0.03));
    expect({ missing, unwanted, shares }).toEqual({ missing: [], unwanted: [], shares });
  }

  async function direct(conference: Conference, tone: number): Promise<{ endpoint: RtpEndpoint; participant: MixerParticipant }> {
    const endpoint = await relay.endpoint({ codec: 'PCMU', maxSendSeconds: 60 });
    const participant = await conference.addParticipant({ codec: 'PCMU' });
    endpoint.useRemoteSdp(participant.sdp());
    endpoint.startSending(tone);
    return { endpoint, participant };
  }

  it('a parked caller joined through rtpengine hears the other two parties, and they hear it', async () => {
    const media = relay.relay;
    const callId = newCallId('conference');
    const conference = mixer.createConference();
    try {
      // The caller's leg: the mixer participant offers as a trunk would; rtpengine answers for the caller.
      const { caller, bridge, relayPort, answer } = await parkedCaller(conference, callId, 440);
      expect(answer.sdp).toMatch(/RTP\/AVP 8/);
      const operator = await direct(conference, 1000);
      const third = await direct(conference, 1600);

      const [callerHears, operatorHears, thirdHears] = await relay.explain(Promise.all([hear(caller), hear(operator.endpoint), hear(third.endpoint)]));
      expectShares(callerHears, [1000, 1600], [440]);
      expectShares(operatorHears, [440, 1600], [1000]);
      expectShares(thirdHears, [440, 1000], [1600]);
      expect([...caller.receivedFrom().keys()]).toEqual([`127.0.0.1:${relayPort}`]); // the caller's ports never moved
      expect(bridge.stats().unknownSource).toBe(0);

      // The third party leaves: caller and operator stay connected.
      await conference.removeParticipant(third.participant);
      third.endpoint.stopSending();
      const [callerAfter, operatorAfter] = await Promise.all([hear(caller), hear(operator.endpoint)]);
      expectShares(callerAfter, [1000], [440, 1600], 0.3);
      expectShares(operatorAfter, [440], [1000, 1600], 0.3);
    } finally {
      await conference.close();
      await media.delete({ callId });
    }
  });

  it('three-way with the operator in a browser: caller (trunk, parked), operator (WebRTC, Opus) and a third party', async () => {
    const media = relay.relay;
    const callId = newCallId('conference');
    const operatorCallId = newCallId('conference-operator');
    const conference = mixer.createConference();
    const peer = new BrowserPeer(await openBlankPage(browser));
    try {
      const { caller } = await parkedCaller(conference, callId, 440);
      // The operator's leg: its own rtpengine call, the mixer participant on the trunk side, Opus to the browser.
      const operator = await conference.addParticipant({ codec: 'PCMU', label: 'operator' });
      const offer = await media.offer({ callId: operatorCallId, fromTag: 'mixer', sdp: operator.sdp(), from: 'trunk', to: 'browser', codecPolicy: 'opus' });
      const answer = await media.answer({ callId: operatorCallId, fromTag: 'mixer', toTag: 'operator', sdp: await peer.answer(offer.sdp), from: 'browser', to: 'trunk' });
      operator.setRemoteSdp(answer.sdp);
      await relay.explain(peer.waitConnected(20000));
      expect(await peer.codec()).toBe('audio/opus');

      // Two parties so far: they hear each other.
      expect(await peer.detectTone(440, 15000)).toMatchObject({ detected: true });
      expectShares(await hear(caller), [1000], [440], 0.3);

      // The third party joins: the caller hears operator and third party, the third party hears both.
      const third = await direct(conference, 1600);
      const [callerHears, thirdHears] = await Promise.all([hear(caller), hear(third.endpoint)]);
      expectShares(callerHears, [1000, 1600], [440]);
      expectShares(thirdHears, [440, 1000], [1600]);
      // The operator hears the third party (the caller pauses, so 1600 Hz is the strongest tone).
      caller.stopSending();
      expect(await peer.detectTone(1600, 15000)).toMatchObject({ detected: true });
      caller.startSending(440);

      // The operator leaves: caller and third party stay connected.
      await conference.removeParticipant(operator);
      await media.delete({ callId: operatorCallId });
      const [callerAfter, thirdAfter] = await Promise.all([hear(caller), hear(third.endpoint)]);
      expectShares(callerAfter, [1600], [440, 1000], 0.3);
      expectShares(thirdAfter, [440], [1000, 1600], 0.3);
    } finally {
      await peer.close();
      await peer.page.context().close();
      await conference.close();
      await media.delete({ callId });
      await media.delete({ callId: operatorCallId });
    }
  });
});
