/**
 * The first real call, at the SIP level: a SIPp trunk calls number 100; the caller is answered
 * into rtpengine with music on hold and queued; the routing core picks an operator; the server
 * rings the operator's sip.js softphone over WebSocket (late offer) and bridges it; hang-ups end
 * both legs; every call gets a record.
 */
import { runSipp, assertSippPassed } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import { CALL_ENGINE_MODES, closeCallStacks, startCallStack, startOperator } from './call-stack';

type Stack = Awaited<ReturnType<typeof startCallStack>>;

// each test starts a whole stack (rtpengine, the engine, Switchboard): slow on a loaded machine
jest.setTimeout(180_000);

describe.each(CALL_ENGINE_MODES)('trunk → queue → operator (SIP, real rtpengine, %s engine)', (engine) => {
  let stack: Stack;
  const operators: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    // softphones first, while the engine still answers their un-REGISTER and BYE (no transaction left
    // retrying towards a closed server); then the stack, before stopAll would end a drachtio-server
    // under test that Switchboard is still connected to
    for (const o of operators.splice(0)) await o.stop().catch(() => undefined);
    await closeCallStacks();
    await stopAll();
  });

  it('answers the caller, rings the available operator, bridges, and records the answered call', async () => {
    stack = await startCallStack({ engine, operators: ['alice'] });
    const alice = await startOperator('alice', stack.wsPort);
    operators.push(alice);
    await stack.acd.operatorLogin('alice');
    const trunk = await runSipp({ scenario: 'uac-basic', remote: stack.target, service: '100', keys: { hold_ms: 2500, caller: '4930111' }, hardTimeoutMs: 20_000 });
    await waitFor(() => alice.invitations.length === 1, 'the operator to ring');
    const inv = alice.invitations[0]!;
    expect(inv.request.getHeader('X-Switchboard-Queue')).toBe('support');
    expect(inv.request.getHeader('X-Switchboard-Caller')).toBe('4930111');
    expect(inv.request.body).toBe(''); // late offer: the softphone offers, the relay answers in the ACK
    await waitFor(() => alice.answers.length === 1, 'the relay answer in the ACK');
    expect(alice.answers[0]).toContain('UDP/TLS/RTP/SAVPF');
    assertSippPassed(await trunk.done(), 1);
    await waitFor(() => inv.state === 'Terminated', 'the operator leg to end with the caller');
    await waitFor(async () => (await stack.records.query({})).length === 1, 'the call record');
    const [record] = await stack.records.query({});
    expect(record).toMatchObject({ outcome: 'answered', queue: 'support', operatorId: 'alice', caller: '4930111', number: '100', trunkId: 'local' });
    expect(record!.talkSeconds).toBeGreaterThanOrEqual(1);
    expect(stack.center.size).toBe(0);
    expect(await stack.media.relay.listCalls()).toEqual([]);
  });

  it('records a caller who hangs up while queued as abandoned', async () => {
    stack = await startCallStack({ engine, operators: ['alice'] });
    const trunk = await runSipp({ scenario: 'uac-basic', remote: stack.target, service: '100', keys: { hold_ms: 800 } });
    assertSippPassed(await trunk.done(), 1);
    await waitFor(async () => (await stack.records.query({})).length === 1, 'the call record');
    expect((await stack.records.query({}))[0]).toMatchObject({ outcome: 'abandoned', queue: 'support' });
    expect((await stack.acd.snapshot()).queues[0]?.waiting).toEqual([]);
  });

  it('returns an unanswered call to the queue, pauses that operator, and gives the call to the next', async () => {
    stack = await startCallStack({ engine, operators: ['alice', 'bob'], ringTimeoutMs: 1500 });
    const alice = await startOperator('alice', stack.wsPort, { answerAfterMs: null });
    const bob = await startOperator('bob', stack.wsPort);
    operators.push(alice, bob);
    await stack.acd.operatorLogin('alice');
    await new Promise((r) => setTimeout(r, 20));
    await stack.acd.operatorLogin('bob');
    const trunk = await runSipp({ scenario: 'uac-basic', remote: stack.target, service: '100', keys: { hold_ms: 4000 }, hardTimeoutMs: 20_000 });
    await waitFor(() => bob.invitations.length === 1, 'the second operator to ring', 10_000);
    expect(alice.invitations).toHaveLength(1);
    assertSippPassed(await trunk.done(), 1);
    await waitFor(async () => (await stack.records.query({})).length === 1, 'the call record');
    expect((await stack.records.query({}))[0]).toMatchObject({ outcome: 'answered', operatorId: 'bob' });
    const snap = await stack.acd.snapshot();
    expect(snap.operators.find((o) => o.id === 'alice')).toMatchObject({ state: 'paused', reason: 'no-answer' });
  });

  it('ends the call and frees the operator when the softphone loses its WebSocket mid-call', async () => {
    stack = await startCallStack({ engine, operators: ['alice'] });
    const alice = await startOperator('alice', stack.wsPort);
    operators.push(alice);
    await stack.acd.operatorLogin('alice');
    const trunk = await runSipp({ scenario: 'uac-remote-bye', remote: stack.target, service: '100', recvTimeoutMs: 20_000, hardTimeoutMs: 30_000 });
    await waitFor(() => alice.answers.length === 1, 'the call to connect');
    await waitFor(async () => (await stack.acd.snapshot()).operators[0]?.state === 'on-call', 'alice on the call');
    await alice.ua.transport.disconnect(); // the browser tab died, or the network went away
    assertSippPassed(await trunk.done(), 1); // the caller gets a BYE
    await waitFor(async () => (await stack.records.query({})).length === 1, 'the call record');
    expect((await stack.records.query({}))[0]).toMatchObject({ outcome: 'answered', operatorId: 'alice' });
    const op = (await stack.acd.snapshot()).operators[0]!;
    expect(['wrap-up', 'available']).toContain(op.state);
  });

  it('gives the call to the next operator when one\'s only device is dead, without pausing that one as no-answer', async () => {
    stack = await startCallStack({ engine, operators: ['alice', 'bob'] });
    const alice = await startOperator('alice', stack.wsPort);
    const bob = await startOperator('bob', stack.wsPort);
    operators.push(bob);
    await stack.acd.operatorLogin('alice');
    await new Promise((r) => setTimeout(r, 20));
    await stack.acd.operatorLogin('bob'); // alice idles longer: the call is offered to her first
    await alice.ua.transport.disconnect(); // her tab died without un-REGISTER
    await alice.stop().catch(() => undefined);
    const trunk = await runSipp({ scenario: 'uac-basic', remote: stack.target, service: '100', keys: { hold_ms: 8000 }, hardTimeoutMs: 60_000 });
    await waitFor(() => bob.invitations.length === 1, 'the next operator to ring', 30_000);
    assertSippPassed(await trunk.done(), 1);
    await waitFor(async () => (await stack.records.query({})).length === 1, 'the call record');
    expect((await stack.records.query({}))[0]).toMatchObject({ outcome: 'answered', operatorId: 'bob' });
    expect(alice.invitations).toHaveLength(0);
    // a dead device is not an unanswered call: she is paused for it, not as no-answer
    const op = (await stack.acd.snapshot()).operators.find((o) => o.id === 'alice');
    expect(op).toMatchObject({ state: 'paused', reason: 'device-unreachable' });
    expect(await stack.sb.signalling.registrar.lookup('alice')).toEqual([]);
  });

  it('answers two callers in arrival order with one operator', async () => {
    stack = await startCallStack({ engine, operators: ['alice'] });
    const alice = await startOperator('alice', stack.wsPort);
    operators.push(alice);
    await stack.acd.operatorLogin('alice');
    const first = await runSipp({ scenario: 'uac-basic', remote: stack.target, service: '100', keys: { hold_ms: 1500, caller: 'first' }, hardTimeoutMs: 20_000 });
    await waitFor(() => alice.invitations.length === 1, 'the first call to ring');
    const second = await runSipp({ scenario: 'uac-basic', remote: stack.target, service: '100', keys: { hold_ms: 4000, caller: 'second' }, hardTimeoutMs: 20_000 });
    assertSippPassed(await first.done(), 1);
    await waitFor(() => alice.invitations.length === 2, 'the second call to ring after the first', 10_000);
    expect(alice.invitations.map((i) => i.request.getHeader('X-Switchboard-Caller'))).toEqual(['first', 'second']);
    assertSippPassed(await second.done(), 1);
    await waitFor(async () => (await stack.records.query({})).length === 2, 'both records');
    const records = await stack.records.query({});
    expect(records.map((r) => [r.caller, r.outcome])).toEqual([['second', 'answered'], ['first', 'answered']]);
    expect(records[0]!.waitSeconds).toBeGreaterThanOrEqual(1);
  });

  it('keeps an operator reachable when the browser tab is killed and a new one registers', async () => {
    stack = await startCallStack({ engine, operators: ['alice'] });
    const killed = await startOperator('alice', stack.wsPort);
    await killed.ua.transport.disconnect(); // the tab died without un-REGISTER
    await killed.stop().catch(() => undefined);
    const fresh = await startOperator('alice', stack.wsPort);
    operators.push(fresh);
    await stack.acd.operatorLogin('alice');
    for (const caller of ['first', 'second']) {
      const trunk = await runSipp({ scenario: 'uac-basic', remote: stack.target, service: '100', keys: { hold_ms: 1500, caller }, hardTimeoutMs: 20_000 });
      assertSippPassed(await trunk.done(), 1);
    }
    expect(fresh.invitations.map((i) => i.request.getHeader('X-Switchboard-Caller'))).toEqual(['first', 'second']);
    expect(killed.invitations).toHaveLength(0);
    await waitFor(async () => (await stack.records.query({})).length === 2, 'both records');
    expect((await stack.records.query({})).map((r) => r.outcome)).toEqual(['answered', 'answered']);
    expect((await stack.sb.signalling.registrar.lookup('alice'))).toHaveLength(1); // the stale binding is gone
  });
});
