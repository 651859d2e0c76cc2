/**
 * A real desk phone as an operator's device: baresip (Debian), headless, registers with the default
 * digest policy (MD5 first) over UDP and TCP, rings for a SIPp trunk call, answers with plain RTP
 * G.711, audio both ways (tones detected at both ends), hold (music to the trunk) and resume, DTMF
 * RFC 4733 to the trunk, blind transfer by REFER; an answer with a codec we cannot bridge gets ACK
 * and BYE and the operator is not paused; a busy answer (486) pauses as busy.
 */
import { detectTone } from '../../media/testing/goertzel';
import { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { startCallStack, startOperator } from '../calls/call-stack';
import { assertSippPassed, runSipp, type SippRun } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import { Baresip } from './baresip';

type Stack = Awaited<ReturnType<typeof startCallStack>>;

const PHONE_TONE = 440;
const TRUNK_TONE = 1000;
const TEST_TIMEOUT_MS = 120_000;

describe('baresip desk phone as an operator device (SIPp trunk, real rtpengine)', () => {
  let stack: Stack | undefined;
  let phone: Baresip | undefined;
  let trunkMedia: RtpEndpoint | undefined;
  afterEach(async () => {
    await phone?.stop().catch(() => undefined);
    phone = undefined;
    await stopAll();
    await trunkMedia?.close();
    trunkMedia = undefined;
    await stack?.close();
    stack = undefined;
  });

  const opState = async (id: string) => (await stack!.acd.snapshot()).operators.find((o) => o.id === id);

  /** A trunk call to 100 whose RTP endpoint sends TRUNK_TONE once the relay's port is known. */
  async function trunkCall(): Promise<SippRun> {
    trunkMedia = await RtpEndpoint.open({ codec: 'PCMU' });
    return runSipp({
      scenario: 'uac-trunk-media', remote: stack!.target, service: '100',
      keys: { rtp_port: trunkMedia.port, caller: '4930777' }, recvTimeoutMs: 90_000, hardTimeoutMs: 110_000,
    });
  }

  /** The trunk sends its tone to the relay, at the address its audio (music, the operator) comes from. */
  async function trunkSends(): Promise<void> {
    await waitFor(() => trunkMedia!.receivedFrom().size > 0, 'RTP from the relay to the trunk', 20_000);
    const [from] = [...trunkMedia!.receivedFrom().keys()];
    const [address, port] = [from!.slice(0, from!.lastIndexOf(':')), Number(from!.slice(from!.lastIndexOf(':') + 1))];
    trunkMedia!.useRemoteSdp(`v=0\r\no=- 1 1 IN IP4 ${address}\r\ns=-\r\nc=IN IP4 ${address}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`);
    trunkMedia!.startSending(TRUNK_TONE);
  }

  const toneAtTrunk = (hz: number) => () => {
    const s = trunkMedia!.receivedSamples();
    return s.length >= 8000 && detectTone(s.subarray(-8000), 8000, hz, { minRatio: 0.3 }).detected;
  };
  const toneAtPhone = (hz: number) => () => {
    const { samples, rate } = phone!.receivedAudio();
    return samples.length >= rate && detectTone(samples.subarray(-rate), rate, hz, { minRatio: 0.3 }).detected;
  };

  it.each(['udp', 'tcp'] as const)('registers over %s with MD5, rings, answers: tones both ways, hold with music, resume, DTMF, blind transfer to a queue', async (transport) => {
    stack = await startCallStack({ operators: ['alice', 'bob'], ringTimeoutMs: 15_000, listen: transport });
    phone = await Baresip.start({ accounts: [{ user: 'alice', password: 'pw-alice', transport }], server: stack.target, toneHz: PHONE_TONE });
    await phone.event('REGISTER_OK');
    const [binding] = await stack.sb.signalling.registrar.lookup('alice');
    expect(binding).toMatchObject({ device: 'phone', flow: { protocol: transport } });
    await stack.acd.operatorLogin('alice');

    const trunk = await trunkCall();
    await phone.event('CALL_INCOMING');
    expect((await phone.command('accept')).ok).toBe(true);
    await phone.event('CALL_ESTABLISHED');
    await waitFor(() => stack!.center.live()[0]?.state === 'connected', 'the call to be connected', 20_000);
    await trunkSends();
    await waitFor(toneAtTrunk(PHONE_TONE), 'the phone\'s tone at the trunk', 20_000);
    await waitFor(toneAtPhone(TRUNK_TONE), 'the trunk\'s tone at the phone', 20_000);

    // hold: the trunk hears music instead of the phone; resume: the phone again
    expect((await phone.command('hold')).ok).toBe(true);
    await waitFor(() => stack!.center.live()[0]?.held === true, 'the call to be held', 20_000);
    trunkMedia!.clearReceived();
    await waitFor(() => trunkMedia!.receivedSamples().length >= 8000 && !toneAtTrunk(PHONE_TONE)(), 'music, not the phone, at the trunk', 20_000);
    expect((await phone.command('resume')).ok).toBe(true);
    await waitFor(() => stack!.center.live()[0]?.held === undefined, 'the call to be resumed', 20_000);
    trunkMedia!.clearReceived();
    await waitFor(toneAtTrunk(PHONE_TONE), 'the phone\'s tone at the trunk after resume', 20_000);

    // DTMF as RFC 4733 events reaches the trunk
    trunkMedia!.clearDtmf();
    expect((await phone.command('sndcode', '5')).ok).toBe(true);
    // (one key press; on a loaded machine the phone's event may be counted twice, never another digit)
    expect(await trunkMedia!.waitForDigits(1, 20_000)).toMatch(/^5+$/);

    // blind transfer to the sales queue by REFER: the phone hangs up after the 202 (as desk phones
    // do), the caller waits in the queue (nobody is signed in there)
    expect((await phone.command('transfer', `sip:queue-sales@${stack.target}`)).ok).toBe(true);
    await phone.event('CALL_CLOSED');
    await waitFor(() => stack!.center.live()[0]?.state === 'queued' && stack!.center.live()[0]?.queue === 'sales', 'the caller waiting in sales', 20_000);
    // (the SIPp trunk hangs up only when told to: the stack's shutdown ends the call)
    await trunk.stop();
  }, TEST_TIMEOUT_MS);

  it('an answer with a codec we cannot bridge gets ACK and BYE, and the operator is not paused', async () => {
    stack = await startCallStack({ operators: ['alice'], ringTimeoutMs: 15_000 });
    phone = await Baresip.start({ accounts: [{ user: 'alice', password: 'pw-alice' }], server: stack.target, toneHz: PHONE_TONE, codecs: ['G722/16000/1'] });
    await phone.event('REGISTER_OK');
    await stack.acd.operatorLogin('alice');
    const trunk = await trunkCall();
    await phone.event('CALL_INCOMING');
    await phone.command('accept');
    // ACKed (established) and hung up by the server (closed), not left retransmitting its 200
    await phone.event('CALL_ESTABLISHED');
    await phone.event('CALL_CLOSED');
    const alice = await opState('alice');
    expect(alice?.state).not.toBe('paused');
    // offered again at once: it rings again
    await phone.event('CALL_INCOMING', { n: 2 });
    await phone.command('hangup');
    await trunk.stop();
  }, TEST_TIMEOUT_MS);

  it('a busy answer (486, do not disturb) pauses the operator as busy', async () => {
    stack = await startCallStack({ operators: ['alice'], ringTimeoutMs: 15_000 });
    phone = await Baresip.start({ accounts: [{ user: 'alice', password: 'pw-alice' }], server: stack.target, toneHz: PHONE_TONE });
    await phone.event('REGISTER_OK');
    await stack.acd.operatorLogin('alice');
    await trunkCall();
    await phone.event('CALL_INCOMING');
    await phone.command('hangup'); // an incoming call refused: baresip answers 486 Busy Here
    await waitFor(async () => (await opState('alice'))?.state === 'paused', 'alice paused', 20_000);
    expect(await opState('alice')).toMatchObject({ state: 'paused', reason: 'busy' });
  }, TEST_TIMEOUT_MS);

  it.each([
    ['the desk phone answers first: it gets the call as plain RTP, the browser stops ringing', 'phone'],
    ['the browser answers first: the desk phone stops ringing', 'browser'],
  ] as const)('an operator with a browser and a desk phone: both ring; %s', async (_name, winner) => {
    stack = await startCallStack({ operators: ['alice'], ringTimeoutMs: 15_000 });
    phone = await Baresip.start({ accounts: [{ user: 'alice', password: 'pw-alice' }], server: stack.target, toneHz: PHONE_TONE });
    await phone.event('REGISTER_OK');
    const browser = await startOperator('alice', stack.wsPort, { answerAfterMs: winner === 'browser' ? 0 : null });
    try {
      const kinds = (await stack.sb.signalling.registrar.lookup('alice')).map((b) => b.device).sort();
      expect(kinds).toEqual(['browser', 'phone']);
      await stack.acd.operatorLogin('alice');
      const trunk = await trunkCall();
      await phone.event('CALL_INCOMING');
      await waitFor(() => browser.invitations.length === 1, 'the browser to ring', 20_000);
      if (winner === 'phone') {
        expect((await phone.command('accept')).ok).toBe(true);
        await waitFor(() => browser.invitations[0]!.state === 'Terminated', 'the browser\'s ringing to be cancelled', 20_000);
        await waitFor(() => stack!.center.live()[0]?.state === 'connected', 'the call to be connected', 20_000);
        await trunkSends();
        await waitFor(toneAtTrunk(PHONE_TONE), 'the phone\'s tone at the trunk', 20_000);
        await waitFor(toneAtPhone(TRUNK_TONE), 'the trunk\'s tone at the phone', 20_000);
        await phone.command('hangup');
      } else {
        await phone.event('CALL_CLOSED');
        await waitFor(() => browser.acked.size === 1 && stack!.center.live()[0]?.state === 'connected', 'the browser on the call', 20_000);
        expect(phone.events.some((e) => e.type === 'CALL_ESTABLISHED')).toBe(false);
        await browser.invitations[0]!.bye();
      }
      assertSippPassed(await trunk.done(), 1);
      await waitFor(async () => (await stack!.records.query({})).length === 1, 'the call record');
      expect((await stack.records.query({}))[0]).toMatchObject({ outcome: 'answered', operatorId: 'alice' });
    } finally {
      await browser.stop();
    }
  }, TEST_TIMEOUT_MS);

  it('two lines of one phone from one port are two devices; a blind transfer by REFER from one line rings the other', async () => {
    stack = await startCallStack({ operators: ['alice', 'bob'], ringTimeoutMs: 15_000 });
    phone = await Baresip.start({
      accounts: [{ user: 'alice', password: 'pw-alice' }, { user: 'bob', password: 'pw-bob' }], server: stack.target, toneHz: PHONE_TONE,
    });
    await phone.event('REGISTER_OK', { aor: 'alice' });
    await phone.event('REGISTER_OK', { aor: 'bob' });
    const [a] = await stack.sb.signalling.registrar.lookup('alice');
    const [b] = await stack.sb.signalling.registrar.lookup('bob');
    expect(a!.flow).toEqual(b!.flow); // one source port …
    expect(a!.contact).not.toBe(b!.contact); // … two devices
    await stack.acd.operatorLogin('bob');
    const trunk = await trunkCall();
    await phone.event('CALL_INCOMING', { aor: 'bob' });
    expect((await phone.command('accept')).ok).toBe(true);
    await waitFor(() => stack!.center.live()[0]?.state === 'connected' && stack!.center.live()[0]?.operatorId === 'bob', 'bob on the call', 20_000);

    await stack.acd.operatorLogin('alice');
    expect((await phone.command('transfer', `sip:alice@${stack.target}`)).ok).toBe(true);
    await phone.event('CALL_INCOMING', { aor: 'alice' });
    expect((await phone.command('accept')).ok).toBe(true);
    await waitFor(() => stack!.center.live()[0]?.operatorId === 'alice', 'alice to have the caller', 20_000);
    await trunkSends();
    await waitFor(toneAtTrunk(PHONE_TONE), 'the phone\'s tone at the trunk after the transfer', 20_000);
    await phone.command('hangup');
    assertSippPassed(await trunk.done(), 1);
    await waitFor(async () => (await stack!.records.query({})).length === 1, 'the call record');
    const [record] = await stack.records.query({});
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'alice' });
    expect(record!.segments.filter((x) => x.kind === 'transferred').map((x) => `${x.target}:${x.result}`)).toEqual(['operator:alice:completed']);
  }, TEST_TIMEOUT_MS);
});
