import { ConferenceMixer, type Conference, type MixerParticipant } from '../../media/mixer';
import type { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { rms, toneRatio } from '../../media/testing/goertzel';
import { newCallId, startTestRelay, type TestRelay } from './relay-fixture';

/**
 * The path the calls layer takes for a three-way conference: a parked trunk caller (a Node RTP
 * endpoint behind a real rtpengine) is joined to a mixer participant with connectParked (the
 * participant's SDP as a trunk-profile offer); two more parties are on the mixer directly.
 */
describe('conference mixer behind rtpengine', () => {
  let relay: TestRelay;
  let mixer: ConferenceMixer;

  beforeAll(async () => {
    relay = await startTestRelay();
    mixer = new ConferenceMixer();
  });
  afterAll(async () => {
    await mixer?.close();
    await relay?.dispose();
  });

  async function hear(endpoint: RtpEndpoint): Promise<Record<number, number>> {
    await endpoint.waitForSamples(4000, 20000);
    endpoint.clearReceived();
    const samples = await endpoint.waitForSamples(8000, 20000);
    expect(rms(samples)).toBeGreaterThan(500);
    return Object.fromEntries([440, 1000, 1600].map((f) => [f, +toneRatio(samples, 8000, f).toFixed(2)]));
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
    const caller = await relay.endpoint({ codec: 'PCMA', maxSendSeconds: 60 });
    const parked = await media.park({ callId, fromTag: 'caller', sdp: caller.sdp(['PCMA', 'PCMU']) });
    const relayPort = caller.useRemoteSdp(parked.sdp).port;
    caller.startSending(440);

    const conference = mixer.createConference();
    try {
      // The caller's leg: the mixer participant offers as a trunk would; rtpengine answers for the caller.
      const bridge = await conference.addParticipant({ codec: 'PCMA', label: 'caller' });
      const answer = await relay.explain(media.connectParked({ callId, legTag: 'conference', sdp: bridge.sdp(), from: 'trunk' }));
      expect(answer.sdp).toMatch(/RTP\/AVP 8/);
      bridge.setRemoteSdp(answer.sdp);
      const operator = await direct(conference, 1000);
      const third = await direct(conference, 1600);

      const [callerHears, operatorHears, thirdHears] = await relay.explain(Promise.all([hear(caller), hear(operator.endpoint), hear(third.endpoint)]));
      expect(callerHears[1000]).toBeGreaterThan(0.25);
      expect(callerHears[1600]).toBeGreaterThan(0.25);
      expect(callerHears[440]).toBeLessThan(0.03);
      expect(operatorHears[440]).toBeGreaterThan(0.25);
      expect(thirdHears[440]).toBeGreaterThan(0.25);
      expect([...caller.receivedFrom().keys()]).toEqual([`127.0.0.1:${relayPort}`]); // the caller's ports never moved
      expect(bridge.stats().unknownSource).toBe(0);

      // The third party leaves: caller and operator stay connected.
      await conference.removeParticipant(third.participant);
      third.endpoint.stopSending();
      const [callerAfter, operatorAfter] = await Promise.all([hear(caller), hear(operator.endpoint)]);
      expect(callerAfter[1000]).toBeGreaterThan(0.5);
      expect(callerAfter[1600]).toBeLessThan(0.03);
      expect(operatorAfter[440]).toBeGreaterThan(0.5);
    } finally {
      await conference.close();
      await media.delete({ callId });
    }
  });
});
