/**
 * Attended transfer as a SIP phone does it (sip.js operators in Node, SIPp trunk, real rtpengine):
 * the operator holds the caller, calls a colleague (a consultation: an INVITE from the operator's
 * device, digest-authenticated), then sends REFER with Replaces naming the consultation — the
 * colleague ends up with the caller. A consultation hung up instead leaves the caller with the operator.
 */
import { Inviter, SessionState, UserAgent, type Invitation } from 'sip.js';
import { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { assertSippPassed, runSipp, type SippRun } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import { refer, startCallStack, startOperator, WEBRTC_OFFER } from './call-stack';

type Stack = Awaited<ReturnType<typeof startCallStack>>;
type Operator = Awaited<ReturnType<typeof startOperator>>;


function hold(inv: Invitation, op: Operator): Promise<number> {
  op.offer.sdp = WEBRTC_OFFER.replace('a=sendrecv', 'a=sendonly');
  return new Promise((resolve, reject) => {
    inv.invite({ requestDelegate: { onAccept: (r) => resolve(r.message.statusCode ?? 0), onReject: (r) => resolve(r.message.statusCode ?? 0) } })
      .catch(reject);
  }).finally(() => { op.offer.sdp = WEBRTC_OFFER; }) as Promise<number>;
}

describe('attended transfer from a SIP phone (consultation, REFER with Replaces)', () => {
  let stack: Stack;
  let trunkMedia: RtpEndpoint | undefined;
  const operators: Operator[] = [];
  afterEach(async () => {
    await stopAll();
    await trunkMedia?.close();
    trunkMedia = undefined;
    for (const o of operators.splice(0)) await o.stop().catch(() => undefined);
    await stack?.close();
  });

  async function setUp(): Promise<{ alice: Operator; bob: Operator; inv: Invitation; trunk: SippRun }> {
    stack = await startCallStack({ operators: ['alice', 'bob'] });
    const alice = await startOperator('alice', stack.wsPort);
    const bob = await startOperator('bob', stack.wsPort);
    operators.push(alice, bob);
    await stack.acd.operatorLogin('alice');
    trunkMedia = await RtpEndpoint.open({ codec: 'PCMU' });
    const trunk = await runSipp({
      scenario: 'uac-trunk-media', remote: stack.target, service: '100',
      keys: { rtp_port: trunkMedia.port, caller: '4930888' }, recvTimeoutMs: 60_000, hardTimeoutMs: 90_000,
    });
    // the ACK with the server's answer must have arrived before alice's phone offers again (hold)
    await waitFor(() => alice.acked.has(alice.invitations[0]!) && stack.center.live()[0]?.state === 'connected', 'alice on the call', 20_000);
    await stack.acd.operatorLogin('bob');
    return { alice, bob, inv: alice.invitations[0]!, trunk };
  }

  /** alice's device calls bob about the call (the softphone's consultation). */
  async function consult(alice: Operator, callId: string): Promise<Inviter> {
    const inviter = new Inviter(alice.ua, UserAgent.makeURI('sip:bob@switchboard.local')!, { extraHeaders: [`X-Switchboard-Consult: ${callId}`] });
    await inviter.invite();
    return inviter;
  }

  it('consults bob, then REFER with Replaces hands the caller to bob; alice leaves for wrap-up', async () => {
    const { alice, bob, inv, trunk } = await setUp();
    expect(await hold(inv, alice)).toBe(200);
    const callId = stack.center.live()[0]!.callId;
    const consultation = await consult(alice, callId);
    await waitFor(() => bob.invitations.length === 1, 'bob to ring');
    expect(bob.invitations[0]!.request.getHeader('X-Switchboard-Consult-From')).toBe('alice');
    await waitFor(() => consultation.state === SessionState.Established, 'the consultation to connect');
    expect((await stack.acd.snapshot()).operators.find((o) => o.id === 'bob')?.state).toBe('on-call');

    expect(await refer(inv, consultation)).toEqual([100, 200]);
    await waitFor(() => inv.state === SessionState.Terminated && consultation.state === SessionState.Terminated, 'alice to be hung up on both calls');
    await waitFor(() => stack.center.live()[0]?.operatorId === 'bob', 'bob to have the caller');
    expect(stack.center.live()[0]?.held).toBeUndefined();
    // bob's device was asked for a new offer (re-INVITE without SDP) and got the caller's media in the ACK
    expect(bob.answers.length).toBeGreaterThanOrEqual(2);
    await waitFor(async () => (await stack.acd.snapshot()).operators.find((o) => o.id === 'alice')?.state === 'available', 'alice free again');

    await bob.invitations[0]!.bye();
    assertSippPassed(await trunk.done(), 1);
    await waitFor(async () => (await stack.records.query({})).length === 1, 'the call record');
    const [record] = await stack.records.query({});
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'bob' });
    expect(record!.segments.map((s) => `${s.kind}:${s.result ?? ''}`)).toEqual(expect.arrayContaining(['consult:completed', 'transferred:completed']));
    expect(await stack.media.relay.listCalls()).toEqual([]);
  });

  it('a consultation alice hangs up releases bob; the caller stays with alice', async () => {
    const { alice, bob, inv, trunk } = await setUp();
    expect(await hold(inv, alice)).toBe(200);
    const consultation = await consult(alice, stack.center.live()[0]!.callId);
    await waitFor(() => consultation.state === SessionState.Established, 'the consultation to connect');
    await consultation.bye();
    await waitFor(() => bob.invitations[0]?.state === SessionState.Terminated, 'bob to be hung up');
    await waitFor(async () => (await stack.acd.snapshot()).operators.find((o) => o.id === 'bob')?.state === 'available', 'bob free again');
    expect(stack.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'alice', held: true });
    await inv.bye();
    assertSippPassed(await trunk.done(), 1);
  });

  it('a consultation becomes a three-way conference; one operator leaving leaves the caller with the other', async () => {
    const { alice, bob, inv, trunk } = await setUp();
    expect(await hold(inv, alice)).toBe(200);
    const consultation = await consult(alice, stack.center.live()[0]!.callId);
    await waitFor(() => consultation.state === SessionState.Established, 'the consultation to connect');
    const base = `http://127.0.0.1:${stack.sb.httpPort}`;
    const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'pw-alice' }) });
    const { token } = (await login.json()) as { token: string };
    const bobAnswers = bob.answers.length;
    const res = await fetch(`${base}/api/operators/me/conference`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    // both devices were moved by a re-INVITE without SDP; the consultation dialog is gone
    await waitFor(() => bob.answers.length > bobAnswers && consultation.state === SessionState.Terminated, 'the conference to be set up');
    expect(stack.center.live()[0]?.held).toBeUndefined();
    // the caller now hears the mixer (the relay forwards its packets to the trunk)
    trunkMedia!.clearReceived();
    await trunkMedia!.waitForSamples(8000, 10_000);

    await inv.bye();
    await waitFor(async () => (await stack.acd.snapshot()).operators.find((o) => o.id === 'alice')?.state === 'available', 'alice free again');
    expect(stack.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'bob' });
    await bob.invitations[0]!.bye();
    assertSippPassed(await trunk.done(), 1);
    await waitFor(async () => (await stack.records.query({})).length === 1, 'the call record');
    const [record] = await stack.records.query({});
    expect(record!.segments.map((s) => s.kind)).toEqual(expect.arrayContaining(['consult', 'conference']));
    await waitFor(async () => (await stack.media.relay.listCalls()).length === 0, 'every relay session to be deleted');
  });
});
