/**
 * Blind transfer to a number outside, through an outbound trunk (sip.js operator in Node, SIPp as
 * the trunk caller and as the party outside, real rtpengine): the operator REFERs the caller to a
 * number, Switchboard dials it through the trunk (late offer), and on answer the caller talks with
 * the far party (its tone reaches the caller) while the operator leaves; a busy number (486)
 * brings the caller back to the operator.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { detectTone } from '../../media/testing/goertzel';
import { assertSippPassed, runSipp, SIPP_SCENARIO_DIR, type SippRun } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import { refer, startCallStack, startOperator } from './call-stack';

type Stack = Awaited<ReturnType<typeof startCallStack>>;
type Operator = Awaited<ReturnType<typeof startOperator>>;

const FAR_TONE = 1000;
/** Generous: on a loaded 2-core machine one of these calls takes 40 s. */
const TEST_TIMEOUT_MS = 150_000;

describe('blind transfer to a number through an outbound trunk', () => {
  let stack: Stack | undefined;
  const endpoints: RtpEndpoint[] = [];
  const operators: Operator[] = [];
  let tmp: string | undefined;
  afterEach(async () => {
    await stopAll();
    for (const e of endpoints.splice(0)) await e.close();
    for (const o of operators.splice(0)) await o.stop().catch(() => undefined);
    await stack?.close();
    stack = undefined;
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The stack with its outbound trunk at `far`, and a trunk call answered by alice. */
  async function callAnsweredByAlice(far: SippRun): Promise<{ alice: Operator; trunk: SippRun; callerMedia: RtpEndpoint }> {
    stack = await startCallStack({ operators: ['alice'], outboundTrunk: `127.0.0.1:${far.port}` });
    const alice = await startOperator('alice', stack.wsPort);
    operators.push(alice);
    await stack.acd.operatorLogin('alice');
    const callerMedia = await RtpEndpoint.open({ codec: 'PCMU' });
    endpoints.push(callerMedia);
    const trunk = await runSipp({
      scenario: 'uac-trunk-media', remote: stack.target, service: '100',
      keys: { rtp_port: callerMedia.port, caller: '4930888' }, recvTimeoutMs: 120_000, hardTimeoutMs: 140_000,
    });
    await waitFor(() => alice.invitations.length > 0 && alice.acked.has(alice.invitations[0]!) && stack!.center.live()[0]?.state === 'connected', 'alice on the call', 20_000);
    return { alice, trunk, callerMedia };
  }

  it('dials the number, connects the caller to it (its audio reaches the caller) and alice leaves', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-ext-'));
    const portFile = path.join(tmp, 'relay-port');
    const farMedia = await RtpEndpoint.open({ codec: 'PCMU' });
    endpoints.push(farMedia);
    const far = await runSipp({
      scenario: path.join(SIPP_SCENARIO_DIR, 'outbound/uas-late-offer-media.xml'),
      keys: { rtp_port: farMedia.port, port_file: portFile, hold_ms: 10_000 }, recvTimeoutMs: 120_000, hardTimeoutMs: 140_000,
    });
    const { alice, trunk, callerMedia } = await callAnsweredByAlice(far);

    expect(await refer(alice.invitations[0]!, '0305550100')).toEqual([100, 200]);
    await waitFor(() => alice.invitations[0]!.state === 'Terminated', 'alice to be hung up');
    await waitFor(async () => (await stack!.acd.snapshot()).operators.find((o) => o.id === 'alice')?.state === 'available', 'alice free again');
    expect(stack!.center.live()[0]).toMatchObject({ state: 'connected' });

    // the far party sends a tone to the relay port named in the ACK: the caller hears it
    const mLine = () => (fs.existsSync(portFile) ? /^m=audio (\d+)/.exec(fs.readFileSync(portFile, 'utf8'))?.[1] : undefined);
    await waitFor(() => mLine() !== undefined, 'the ACK\'s audio port');
    const relayPort = Number(mLine());
    farMedia.useRemoteSdp(`v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${relayPort} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`);
    farMedia.startSending(FAR_TONE);
    await waitFor(() => {
      const samples = callerMedia.receivedSamples();
      return samples.length >= 8000 && detectTone(samples.subarray(-8000), 8000, FAR_TONE, { minRatio: 0.3 }).detected;
    }, 'the far party\'s tone at the caller', 20_000);
    farMedia.stopSending();

    // the far party hangs up (after hold_ms): the caller is hung up, the record says transferred-out
    assertSippPassed(await far.done(), 1);
    assertSippPassed(await trunk.done(), 1);
    await waitFor(async () => (await stack!.records.query({})).some((r) => r.endedAt !== undefined), 'the call record');
    const [record] = await stack!.records.query({});
    expect(record).toMatchObject({ outcome: 'transferred-out', operatorId: 'alice' });
    expect(record!.segments.filter((s) => s.kind === 'transferred')).toEqual([
      expect.objectContaining({ operatorId: 'alice', target: 'number:0305550100', result: 'completed' }),
    ]);
    await waitFor(async () => (await stack!.media.relay.listCalls()).length === 0, 'every relay session to be deleted');
  }, TEST_TIMEOUT_MS);

  it('a busy number (486) brings the caller back to alice, who then ends the call', async () => {
    const far = await runSipp({ scenario: 'uas-status', keys: { status: 486, reason: 'Busy Here', ring_ms: 200 }, recvTimeoutMs: 120_000, hardTimeoutMs: 140_000 });
    const { alice, trunk } = await callAnsweredByAlice(far);
    expect(await refer(alice.invitations[0]!, '+4930555')).toEqual([100, 486]);
    assertSippPassed(await far.done(), 1);
    expect(stack!.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'alice' });
    expect(alice.invitations[0]!.state).toBe('Established');

    await alice.invitations[0]!.bye();
    assertSippPassed(await trunk.done(), 1);
    await waitFor(async () => (await stack!.records.query({})).some((r) => r.endedAt !== undefined), 'the call record');
    const [record] = await stack!.records.query({});
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'alice' });
    expect(record!.segments.filter((s) => s.kind === 'transferred')).toEqual([
      expect.objectContaining({ target: 'number:+4930555', result: 'failed' }),
    ]);
  }, TEST_TIMEOUT_MS);
});
