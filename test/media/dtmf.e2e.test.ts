import { MediaErrorCode, type DtmfEvent } from '../../media';
import { startTestRelay, type TestRelay } from './relay-fixture';
import { connectOperator, startMicBrowser, trunkHears } from './in-call-helpers';

/**
 * DTMF under both codec policies (Opus ↔ G.711 transcoded, G.711 relayed untouched): the browser leg is given telephone-event, its
 * RTCDTMFSender reaches the trunk as RFC 4733, digits injected by the relay (SIP INFO) reach the
 * trunk too, and the caller's own digits are reported as `dtmf` events.
 */
describe('DTMF between the browser and the trunk', () => {
  let relay: TestRelay;
  let mic: Awaited<ReturnType<typeof startMicBrowser>>;

  beforeAll(async () => {
    [relay, mic] = await Promise.all([startTestRelay(), startMicBrowser(440)]);
  });
  afterAll(async () => {
    await mic?.close();
    await relay?.dispose();
  });

  it.each([
    ['PCMU', 'opus', /a=rtpmap:\d+ telephone-event\/48000/, 'audio/opus'],
    ['PCMA', 'opus', /a=rtpmap:\d+ telephone-event\/48000/, 'audio/opus'],
    ['PCMU', 'avoid-transcoding', /a=rtpmap:101 telephone-event\/8000/, 'audio/PCMU'],
    ['PCMA', 'avoid-transcoding', /a=rtpmap:101 telephone-event\/8000/, 'audio/PCMA'],
  ] as const)('the keypad in the browser reaches a %s trunk as RFC 4733 digits, in order (%s)', async (codec, codecPolicy, telephoneEvent, browserCodec) => {
    const call = await connectOperator(relay, mic.browser, { callerHz: 1000, codec, prefix: `dtmf-${codec}-${codecPolicy}`, codecPolicy });
    const { caller, peer } = call;
    try {
      expect(call.answerSdp).toMatch(telephoneEvent);
      expect(await peer.codec()).toBe(browserCodec);
      expect(await trunkHears(caller, 440)).toMatchObject({ detected: true });
      caller.clearDtmf();
      await peer.insertDtmf('159*0#', 120, 80);
      expect(await caller.waitForDigits(6, 15000)).toBe('159*0#');
      // The audio goes on afterwards.
      caller.clearReceived();
      expect(await trunkHears(caller, 440)).toMatchObject({ detected: true });
    } finally {
      await call.end();
    }
  });

  it('digits injected by the relay (SIP INFO from a phone) reach the trunk as RFC 4733', async () => {
    const call = await connectOperator(relay, mic.browser, { callerHz: 1000, prefix: 'dtmf-info' });
    const { callId, caller } = call;
    try {
      expect(await trunkHears(caller, 440)).toMatchObject({ detected: true });
      caller.clearDtmf();
      const reported: DtmfEvent[] = [];
      const listener = (e: DtmfEvent): void => { if (e.callId === callId) reported.push(e); };
      relay.relay.on('dtmf', listener);
      await relay.relay.sendDtmf({ callId, tag: 'caller', digits: '42#', durationMs: 150 });
      expect(await caller.waitForDigits(3, 15000)).toBe('42#');
      // rtpengine reports injected digits too, as sent by the leg they were injected from.
      for (let i = 0; i < 250 && reported.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      relay.relay.off('dtmf', listener);
      expect(reported.map((e) => `${e.tag}:${e.digit}`)).toEqual(['operator:4', 'operator:2', 'operator:#']);
      await expect(relay.relay.sendDtmf({ callId, tag: 'caller', digits: '1x' })).rejects.toMatchObject({ code: MediaErrorCode.RelayError });
      await expect(relay.relay.sendDtmf({ callId, tag: 'caller', digits: '1'.repeat(33) })).rejects.toMatchObject({ code: MediaErrorCode.RelayError });
      await expect(relay.relay.sendDtmf({ callId: 'no-such-call', tag: 'caller', digits: '1' })).rejects.toMatchObject({ code: MediaErrorCode.NotFound });
    } finally {
      await call.end();
    }
  });

  it("the caller's digits are reported as dtmf events with the caller's tag", async () => {
    const call = await connectOperator(relay, mic.browser, { callerHz: 1000, prefix: 'dtmf-events' });
    const { callId, caller, peer } = call;
    const events: DtmfEvent[] = [];
    const listener = (e: DtmfEvent): void => { if (e.callId === callId) events.push(e); };
    relay.relay.on('dtmf', listener);
    try {
      expect(await trunkHears(caller, 440)).toMatchObject({ detected: true });
      await caller.sendDtmf('73*', 160, 120);
      for (let i = 0; i < 750 && events.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      expect(events.map((e) => e.digit).join('')).toBe('73*');
      expect(events.every((e) => e.tag === 'caller')).toBe(true);
      // The keypad of the browser is reported with the operator's tag.
      events.length = 0;
      await peer.insertDtmf('8', 120, 80);
      for (let i = 0; i < 750 && events.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
      expect(events).toEqual([expect.objectContaining({ digit: '8', tag: 'operator' })]);
    } finally {
      relay.relay.off('dtmf', listener);
      await call.end();
    }
  });
});
