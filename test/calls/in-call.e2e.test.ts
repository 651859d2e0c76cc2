/**
 * In-call control at the SIP level, as a SIP phone drives it: sip.js operators in Node (over
 * WebSocket, WebRTC-shaped SDP), a SIPp trunk with an RTP endpoint, the real server parts and
 * rtpengine. Hold and resume by re-INVITE, a refused re-offer (488, the call stays), a DTMF INFO
 * that cannot be delivered answered with an error, REFER to an unknown target (NOTIFY 404, the call
 * stays) and a blind transfer by REFER to another operator.
 */
import type { Invitation } from 'sip.js';
import { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { assertSippPassed, runSipp, type SippRun } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import { refer, startCallStack, startOperator, WEBRTC_OFFER } from './call-stack';

type Stack = Awaited<ReturnType<typeof startCallStack>>;
type Operator = Awaited<ReturnType<typeof startOperator>>;

/** The result of a re-INVITE: the status and, for a 2xx, the answer's direction attribute. */
function reInvite(inv: Invitation): Promise<{ status: number; direction?: string }> {
  return new Promise((resolve, reject) => {
    inv.invite({
      requestDelegate: {
        onAccept: (res) => resolve({ status: res.message.statusCode ?? 0, direction: /^a=(sendrecv|sendonly|recvonly|inactive)/m.exec(res.message.body)?.[1] }),
        onReject: (res) => resolve({ status: res.message.statusCode ?? 0 }),
      },
    }).catch(reject);
  });
}


describe('in-call control from SIP phones (sip.js operators, SIPp trunk, real rtpengine)', () => {
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

  /** A trunk call to 100 with an RTP endpoint, answered by `op`; resolves with the operator's invitation. */
  async function connectedCall(op: Operator): Promise<{ inv: Invitation; trunk: SippRun }> {
    trunkMedia = await RtpEndpoint.open({ codec: 'PCMU' });
    const trunk = await runSipp({
      scenario: 'uac-trunk-media', remote: stack.target, service: '100',
      keys: { rtp_port: trunkMedia.port, caller: '4930777' }, recvTimeoutMs: 60_000, hardTimeoutMs: 90_000,
    });
    // connected once the server's ACK (with its answer) arrived: the phone may offer again only then
    await waitFor(() => op.invitations.length > 0 && op.acked.has(op.invitations.at(-1)!), 'the operator to be connected', 20_000);
    await waitFor(() => stack.center.live()[0]?.state === 'connected', 'the call to be connected');
    return { inv: op.invitations.at(-1)!, trunk };
  }

  it('answers hold and resume with the right direction; a re-offer the relay refuses gets 488 and the call stays', async () => {
    stack = await startCallStack({ operators: ['alice'] });
    const alice = await startOperator('alice', stack.wsPort);
    operators.push(alice);
    await stack.acd.operatorLogin('alice');
    const { inv, trunk } = await connectedCall(alice);

    alice.offer.sdp = WEBRTC_OFFER.replace('a=sendrecv', 'a=sendonly');
    expect(await reInvite(inv)).toEqual({ status: 200, direction: 'recvonly' });
    await waitFor(() => stack.center.live()[0]?.held === true, 'the call to be held');
    // while held, the caller hears music from the relay
    trunkMedia!.clearReceived();
    await trunkMedia!.waitForSamples(8000, 10_000);

    alice.offer.sdp = WEBRTC_OFFER.replace(/ 111 0 8 101/, ' 18').replace(/a=rtpmap:(111|0|8|101) .*\r\n/g, '').replace('a=fmtp:111 minptime=10;useinbandfec=1\r\n', '') + 'a=rtpmap:18 G729/8000\r\n';
    expect(await reInvite(inv)).toEqual({ status: 488 });
    expect(stack.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'alice', held: true });

    alice.offer.sdp = WEBRTC_OFFER;
    expect(await reInvite(inv)).toEqual({ status: 200, direction: 'sendrecv' });
    await waitFor(() => stack.center.live()[0]?.held === undefined, 'the call to be resumed');

    await inv.bye();
    assertSippPassed(await trunk.done(), 1);
    await waitFor(async () => (await stack.records.query({})).length === 1, 'the call record');
    const [record] = await stack.records.query({});
    expect(record!.segments.map((s) => s.kind)).toEqual(['queued', 'offered', 'answered', 'held']);
    expect(record!.segments.every((s) => s.endedAt !== undefined)).toBe(true);
  });

  it('answers a DTMF INFO with an error when the digit cannot reach the caller, and keeps the call', async () => {
    // rtpengine injects digits into the operator → caller stream; this operator sends no media (sip.js
    // in Node), so there is nothing to inject into: the INFO must say so instead of 200 for nothing.
    // With real media (a browser) the digits arrive: test/media/dtmf.e2e.test.ts and test/e2e/in-call.
    stack = await startCallStack({ operators: ['alice'] });
    const alice = await startOperator('alice', stack.wsPort);
    operators.push(alice);
    await stack.acd.operatorLogin('alice');
    const { inv, trunk } = await connectedCall(alice);
    const status = await new Promise<number>((resolve, reject) => {
      inv.info({
        requestDelegate: { onAccept: (r) => resolve(r.message.statusCode ?? 0), onReject: (r) => resolve(r.message.statusCode ?? 0) },
        requestOptions: { body: { contentDisposition: 'render', contentType: 'application/dtmf-relay', content: 'Signal=4\r\nDuration=160\r\n' } },
      }).catch(reject);
    });
    expect(status).toBe(500);
    expect(stack.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'alice' });
    await inv.bye();
    assertSippPassed(await trunk.done(), 1);
  });

  it('REFER: an unknown target gets NOTIFY 404 and the call stays; an operator target rings and takes the call', async () => {
    stack = await startCallStack({ operators: ['alice', 'bob'] });
    const alice = await startOperator('alice', stack.wsPort);
    const bob = await startOperator('bob', stack.wsPort);
    operators.push(alice, bob);
    await stack.acd.operatorLogin('alice');
    const { inv, trunk } = await connectedCall(alice);

    expect(await refer(inv, 'nobody')).toEqual([100, 404]);
    expect(stack.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'alice' });

    expect(await refer(inv, 'bob')).toEqual([100, 486]); // bob is signed out: busy, the caller stays
    await stack.acd.operatorLogin('bob');
    const done = refer(inv, 'bob');
    await waitFor(() => bob.invitations.length === 1, 'bob to ring');
    expect(bob.invitations[0]!.request.getHeader('X-Switchboard-Transferred-By')).toBe('alice');
    expect(await done).toEqual([100, 200]);
    await waitFor(() => inv.state === 'Terminated', 'alice to be hung up');
    await waitFor(() => stack.center.live()[0]?.operatorId === 'bob', 'bob to have the caller');
    await waitFor(async () => (await stack.acd.snapshot()).operators.find((o) => o.id === 'alice')?.state === 'available', 'alice free again');

    await bob.invitations[0]!.bye();
    assertSippPassed(await trunk.done(), 1);
    await waitFor(async () => (await stack.records.query({})).length === 1, 'the call record');
    const [record] = await stack.records.query({});
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'bob' });
    expect(record!.segments.filter((s) => s.kind === 'transferred').map((s) => `${s.target}:${s.result}`)).toEqual(['operator:bob:failed', 'operator:bob:completed']);
    expect(await stack.media.relay.listCalls()).toEqual([]);
  });
});
