import { loadConfig } from '../../config';
import { MediaError, MediaErrorCode } from '../../media';
import { Acd } from '../routing';
import { MemoryAcdStore } from '../store/memory-store';
import { CallCenter } from './call-center';
import { MemoryCallRecordStore } from './call-record';
import { routingConfig } from './direct-queues';
import type { Call } from './call';
import { FakeDialer, FakeExternalDialer, FakeLeg, FakeMedia, FakeMixer } from './testing/fakes';

const quiet = { info: () => undefined, warn: () => undefined, child: () => quiet };

/** Lets pending promises and timers of the call run until `cond` holds (bounded). */
async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function setup(o: { supportMaxLength?: number; noTrunk?: boolean } = {}) {
  const config = loadConfig({}, [{
    path: 't.yaml', text: `
trunks: [{ id: local, allow: [127.0.0.1] }]
numbers: [{ number: "100", queue: support }]
queues:
  - { id: support, strategy: longest-idle, wrapUpMs: 0${o.supportMaxLength !== undefined ? `, maxLength: ${o.supportMaxLength}` : ''} }
  - { id: sales, strategy: longest-idle, wrapUpMs: 0 }
operators:
  - { id: ann, name: Ann, sip: { username: ann, password: x }, queues: [{ queue: support }] }
  - { id: bob, name: Bob, sip: { username: bob, password: x }, queues: [{ queue: sales }] }
`,
  }]);
  const acd = new Acd({ store: new MemoryAcdStore(), now: Date.now, newId: (() => { let n = 0; return () => `id${++n}`; })(), random: () => 0.5 });
  await acd.configure(routingConfig(config));
  const media = new FakeMedia();
  const dialer = new FakeDialer();
  const records = new MemoryCallRecordStore();
  const mixer = new FakeMixer();
  const external = new FakeExternalDialer();
  const center = new CallCenter({
    mixer, ...(o.noTrunk ? {} : { external }),
    acd, media, dialer, records, now: Date.now, log: quiet, holdMusic: '/music.wav', tickMs: 60_000,
    directory: { operatorBySipUser: (u) => (u === 'ann' || u === 'bob' ? u : undefined), hasQueue: (q) => q === 'support' || q === 'sales' },
  });
  const caller = new FakeLeg();
  const call = (): Call => center.accept({ callId: 'c1', fromTag: 'caller-tag', trunkId: 'local', number: '100', queue: 'support', caller: '4930111', offerSdp: 'v=0', leg: caller });
  const opState = async (id: string) => (await acd.snapshot()).operators.find((x) => x.id === id)?.state;
  const ended = async () => (await records.query({}))[0];
  return { acd, media, dialer, records, center, caller, call, opState, ended, mixer, external };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Ann answers the call: returns her leg. */
async function answeredByAnn(s: Setup): Promise<FakeLeg> {
  await s.acd.operatorLogin('ann');
  s.call();
  const leg = (await s.dialer.nth(1)).answer('ann');
  await until(async () => (await s.opState('ann')) === 'on-call' && s.center.live()[0]?.state === 'connected', 'ann on the call');
  return leg;
}

describe('Call: every exit path releases legs, media and routing, and records the outcome', () => {
  let s: Setup;
  afterEach(() => s?.center.close());

  it('queue full: the caller is told busy, the media session is deleted, the record says busy', async () => {
    s = await setup({ supportMaxLength: 0 });
    s.call();
    await until(async () => (await s.ended()) !== undefined, 'the record');
    expect(await s.ended()).toMatchObject({ outcome: 'busy', queue: 'support' });
    expect(s.caller.hungUp).toBe(true);
    expect(s.media.log).toContain('delete c1');
    expect(s.center.size).toBe(0);
  });

  it('media failure at answer: the caller is refused, the record says failed', async () => {
    s = await setup();
    s.media.parkFails = new MediaError(MediaErrorCode.CodecUnsupported, 'no codec');
    s.call();
    await until(async () => (await s.ended()) !== undefined, 'the record');
    expect(s.caller.refused).toBe('media-failed');
    expect(await s.ended()).toMatchObject({ outcome: 'failed' });
  });

  it('caller gone while the operator rings: the dial is cancelled, the operator freed, the record says abandoned', async () => {
    s = await setup();
    await s.acd.operatorLogin('ann');
    s.call();
    const dial = await s.dialer.nth(1);
    s.caller.farHangUp();
    await until(async () => (await s.ended()) !== undefined, 'the record');
    expect(dial.request.signal.aborted).toBe(true);
    expect(await s.opState('ann')).toBe('available');
    const record = (await s.ended())!;
    expect(record.outcome).toBe('abandoned');
    expect(record.segments.map((x) => `${x.kind}:${x.result ?? ''}`)).toEqual(['queued:', 'offered:canceled']);
    expect(s.media.log).toContain('delete c1');
  });

  it.each([['no-answer', 408, 'no-answer'], ['unreachable', 410, 'device-unreachable']] as const)(
    'an offer that fails as %s returns the call to the queue and pauses the operator (%i → %s)', async (reason, status, pause) => {
      s = await setup();
      await s.acd.operatorLogin('ann');
      s.call();
      (await s.dialer.nth(1)).fail(reason, status);
      await until(async () => (await s.opState('ann')) === 'paused' && s.center.live()[0]?.state === 'queued', 'the call back in the queue');
      expect((await s.acd.snapshot()).operators.find((x) => x.id === 'ann')).toMatchObject({ state: 'paused', reason: pause });
      expect(s.caller.hungUp).toBe(false);
    },
  );

  it('answered, held with music, resumed, hung up by the operator: segments, hold time and DTMF', async () => {
    s = await setup();
    const ann = await answeredByAnn(s);
    expect(await ann.reInvite('a=sendonly')).toBe('a=recvonly');
    expect(s.media.log.filter((l) => l.startsWith('music'))).toEqual(['music on caller-tag', 'music off caller-tag', 'music on caller-tag']);
    expect(await ann.reInvite('a=sendrecv')).toBe('a=sendrecv');
    await ann.dtmf('5');
    expect(s.media.log).toContain('dtmf 5 → caller-tag');
    ann.farHangUp();
    await until(async () => (await s.ended()) !== undefined, 'the record');
    expect(s.caller.hungUp).toBe(true);
    expect(s.media.log.at(-1)).toBe('delete c1');
    const record = (await s.ended())!;
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'ann' });
    expect(record.segments.map((x) => x.kind)).toEqual(['queued', 'offered', 'answered', 'held']);
    expect(s.media.log).toContain('music off caller-tag');
  });

  it('a new offer the relay refuses is answered 488 (OfferRefusedError) and the call stays', async () => {
    s = await setup();
    const ann = await answeredByAnn(s);
    s.media.refuseUpdates = new MediaError(MediaErrorCode.CodecUnsupported, 'no codec in common');
    await expect(ann.reInvite('a=sendrecv m=audio 9 RTP/AVP 18')).rejects.toMatchObject({ code: 'ERR_OFFER_REFUSED' });
    expect(s.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'ann' });
  });

  it('blind transfer to an operator: the target rings while the caller hears music, then takes the call', async () => {
    s = await setup();
    const ann = await answeredByAnn(s);
    await s.acd.operatorLogin('bob');
    const statuses = ann.refer('bob');
    const dial = await s.dialer.nth(2);
    expect(dial.request.operatorIds).toEqual(['bob']);
    expect(dial.request.headers['X-Switchboard-Transferred-By']).toBe('ann');
    const bob = dial.answer('bob');
    await until(() => statuses.includes(200), 'the transfer to complete');
    expect(statuses).toEqual([200]);
    expect(ann.hungUp).toBe(true);
    expect(await s.opState('ann')).toBe('available'); // wrap-up of 0 ms
    expect(await s.opState('bob')).toBe('on-call');
    expect(s.media.log).toContain('repark op-ann-1');
    expect(s.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'bob' });
    bob.farHangUp();
    await until(async () => (await s.ended()) !== undefined, 'the record');
    const record = (await s.ended())!;
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'bob' });
    expect(record.segments.filter((x) => x.kind === 'transferred')).toEqual([expect.objectContaining({ operatorId: 'ann', target: 'operator:bob', result: 'completed' })]);
  });

  it('a transfer the target declines brings the caller back to the first operator', async () => {
    s = await setup();
    const ann = await answeredByAnn(s);
    await s.acd.operatorLogin('bob');
    const statuses = ann.refer('bob');
    (await s.dialer.nth(2)).fail('declined', 603);
    await until(() => statuses.includes(603), 'the failure NOTIFY');
    expect(ann.hungUp).toBe(false);
    expect(s.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'ann' });
    expect(await s.opState('bob')).toBe('available');
    expect(s.media.log.at(-1)).toBe('music off caller-tag');
  });

  it('a transfer to a busy operator fails at once with 486; to an unknown target with 404', async () => {
    s = await setup();
    const ann = await answeredByAnn(s);
    const busy = ann.refer('bob'); // bob is signed out
    await until(() => busy.includes(486), 'busy');
    expect(ann.refer('nobody')).toEqual([404]);
    expect(s.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'ann' });
    expect(s.dialer.dials).toHaveLength(1);
  });

  it('transfer to a number: the trunk dials it while the caller hears music; on answer the operator leaves', async () => {
    s = await setup();
    const ann = await answeredByAnn(s);
    const statuses = ann.refer('4930555');
    const dial = await s.external.nth(1);
    expect(dial.request).toMatchObject({ number: '4930555', callerNumber: '4930111', headers: { 'X-Switchboard-Transferred-By': 'ann' } });
    expect(s.media.log.at(-1)).toBe('music on caller-tag');
    const far = dial.answer();
    await until(() => statuses.includes(200), 'the transfer to complete');
    expect(s.media.log).toEqual(expect.arrayContaining(['repark op-ann-1', 'connect ext-2']));
    expect(ann.hungUp).toBe(true);
    await until(async () => (await s.opState('ann')) === 'available', 'ann free (wrap-up of 0 ms)');
    expect(s.center.live()[0]).toMatchObject({ state: 'connected' });
    expect(s.center.live()[0]?.operatorId).toBeUndefined();
    expect(await far.reInvite('a=sendonly')).toBe('a=recvonly'); // the far party's re-INVITEs reach the relay
    far.farHangUp();
    await until(async () => (await s.ended()) !== undefined, 'the record');
    expect(s.caller.hungUp).toBe(true);
    expect(s.media.log.at(-1)).toBe('delete c1');
    const record = (await s.ended())!;
    expect(record).toMatchObject({ outcome: 'transferred-out', operatorId: 'ann' });
    expect(record.segments.filter((x) => x.kind === 'transferred')).toEqual([expect.objectContaining({ operatorId: 'ann', target: 'number:4930555', result: 'completed' })]);
  });

  it.each([[486, 'declined'], [404, 'unreachable'], [408, 'no-answer']] as const)(
    'a number that answers %i brings the caller back to the operator', async (status, reason) => {
      s = await setup();
      const ann = await answeredByAnn(s);
      const statuses = ann.refer('4930555');
      (await s.external.nth(1)).fail(reason, status);
      await until(() => statuses.length > 0, 'the failure NOTIFY');
      expect(statuses[0]).toBe(status);
      expect(ann.hungUp).toBe(false);
      expect(s.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'ann' });
      expect(s.media.log.at(-1)).toBe('music off caller-tag');
      expect(s.media.log).not.toContain('repark op-ann-1'); // the caller never left the operator's media
      ann.farHangUp();
      await until(async () => (await s.ended()) !== undefined, 'the record');
      const record = (await s.ended())!;
      expect(record.outcome).toBe('answered');
      expect(record.segments.filter((x) => x.kind === 'transferred')).toEqual([expect.objectContaining({ target: 'number:4930555', result: 'failed' })]);
    },
  );

  it('a number that fails after the operator hung up puts the caller back in its queue; the caller leaving cancels the dial', async () => {
    s = await setup();
    const ann = await answeredByAnn(s);
    ann.refer('4930555');
    const dial = await s.external.nth(1);
    ann.farHangUp();
    await until(async () => (await s.opState('ann')) === 'available', 'ann free');
    dial.fail('declined', 486);
    await until(() => s.center.live()[0]?.state === 'ringing' || s.center.live()[0]?.state === 'queued', 'the caller queued again');
    expect(s.caller.hungUp).toBe(false);
    s.caller.farHangUp();
    await until(async () => (await s.ended()) !== undefined, 'the record');
    s = await setup();
    const ann2 = await answeredByAnn(s);
    ann2.refer('4930555');
    const dial2 = await s.external.nth(1);
    s.caller.farHangUp();
    await until(async () => (await s.ended()) !== undefined, 'the record');
    expect(dial2.request.signal.aborted).toBe(true);
    expect(ann2.hungUp).toBe(true);
  });

  it.each(['bob', '4930555', 'queue-sales'])('the caller hanging up while the transfer to %s starts ends the call cleanly (487)', async (target) => {
    s = await setup();
    const ann = await answeredByAnn(s);
    await s.acd.operatorLogin('bob');
    let open!: () => void;
    s.media.musicGate = new Promise<void>((r) => { open = r; });
    const statuses = ann.refer(target);
    s.caller.farHangUp();
    await until(() => statuses.includes(487), 'the REFER answered 487');
    open();
    await until(async () => (await s.ended()) !== undefined, 'the record');
    expect((await s.ended())!.outcome).toBe('answered');
    await until(() => true, 'the transfer request to run on');
    expect(statuses).toEqual([487]); // nothing after: the transfer did not go on with an ended call
    expect(s.external.dials).toHaveLength(0);
    expect(s.dialer.dials).toHaveLength(1); // only ann's
    expect(s.center.size).toBe(0);
  });

  it('without an outbound trunk a transfer to a number is refused with 501 and the call stays', async () => {
    s = await setup({ noTrunk: true });
    const ann = await answeredByAnn(s);
    expect(ann.refer('4930555')).toEqual([501]);
    expect(s.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'ann' });
  });

  it('transfer to a queue: the first operator leaves, the call waits in the new queue with its arrival kept', async () => {
    s = await setup();
    const ann = await answeredByAnn(s);
    const statuses = ann.refer('queue-sales');
    await until(() => statuses.includes(200), 'the transfer');
    expect(ann.hungUp).toBe(true);
    const snap = await s.acd.snapshot();
    expect(snap.queues.find((q) => q.id === 'sales')?.waiting).toHaveLength(1);
    expect(s.center.live()[0]).toMatchObject({ state: 'queued', queue: 'sales' });
    await s.acd.operatorLogin('bob');
    (await s.dialer.nth(2)).answer('bob');
    await until(() => s.center.live()[0]?.operatorId === 'bob', 'bob to take it');
  });

  it('the transferring operator hangs up while the target rings: the target still gets the caller', async () => {
    s = await setup();
    const ann = await answeredByAnn(s);
    await s.acd.operatorLogin('bob');
    ann.refer('bob');
    const dial = await s.dialer.nth(2);
    ann.farHangUp();
    await until(async () => (await s.opState('ann')) === 'available', 'ann freed');
    expect(s.caller.hungUp).toBe(false);
    dial.answer('bob');
    await until(() => s.center.live()[0]?.operatorId === 'bob', 'bob to take it');
  });

  it('attended transfer: a consultation with a colleague, then REFER with Replaces hands the caller over', async () => {
    s = await setup();
    const ann = await answeredByAnn(s);
    await ann.reInvite('a=sendonly');
    await s.acd.operatorLogin('bob');
    const consultLeg = new FakeLeg();
    s.center.consult({ operatorId: 'ann', target: 'bob', consultFor: 'c1', sipCallId: 'k1', fromTag: 'ft', offerSdp: 'o', leg: consultLeg });
    const bob = (await s.dialer.nth(2)).answer('bob');
    await until(() => consultLeg.answered, 'the consultation to connect');
    expect(await s.opState('bob')).toBe('on-call');
    expect(ann.refer('bob', { callId: 'other', fromTag: 'ft', toTag: 'x' })).toEqual([481]);
    const statuses = ann.refer('bob', { callId: 'k1', fromTag: 'ft', toTag: 'x' });
    await until(() => statuses.includes(200), 'the transfer to complete');
    expect(bob.renegotiated).toEqual([expect.stringMatching(/^answer-for-op-bob-/)]);
    expect([ann.hungUp, consultLeg.hungUp, bob.hungUp]).toEqual([true, true, false]);
    expect(s.media.log).toContain('delete consult-k1');
    expect(s.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'bob' });
    expect(s.center.live()[0]?.held).toBeUndefined();
    await until(async () => (await s.opState('ann')) === 'available', 'ann freed');
    bob.farHangUp();
    await until(async () => (await s.ended()) !== undefined, 'the record');
    const kinds = (await s.ended())!.segments.map((x) => `${x.kind}:${x.result ?? ''}`);
    expect(kinds).toEqual(expect.arrayContaining(['consult:completed', 'transferred:completed', 'held:']));
  });

  it('a consultation the operator hangs up releases the colleague; the caller stays with the operator', async () => {
    s = await setup();
    const ann = await answeredByAnn(s);
    await s.acd.operatorLogin('bob');
    const consultLeg = new FakeLeg();
    s.center.consult({ operatorId: 'ann', target: 'bob', consultFor: 'c1', sipCallId: 'k1', fromTag: 'ft', offerSdp: 'o', leg: consultLeg });
    const bob = (await s.dialer.nth(2)).answer('bob');
    await until(() => consultLeg.answered, 'the consultation to connect');
    consultLeg.farHangUp();
    await until(() => bob.hungUp, 'the colleague to be hung up');
    await until(async () => (await s.opState('bob')) === 'available', 'bob freed');
    expect(s.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'ann' });
    expect(ann.hungUp).toBe(false);
    expect(s.media.log).toContain('delete consult-k1');
  });

  it('a consultation to a busy colleague or about another call is refused', async () => {
    s = await setup();
    await answeredByAnn(s);
    const busy = new FakeLeg();
    s.center.consult({ operatorId: 'ann', target: 'bob', consultFor: 'c1', sipCallId: 'k1', fromTag: 'ft', offerSdp: 'o', leg: busy });
    await until(() => busy.refused !== undefined, 'the refusal');
    expect(busy.refused).toBe('busy');
    const stranger = new FakeLeg();
    s.center.consult({ operatorId: 'bob', target: 'ann', consultFor: 'c1', sipCallId: 'k2', fromTag: 'ft', offerSdp: 'o', leg: stranger });
    expect(stranger.refused).toBe('source-not-allowed');
  });

  it('a consultation becomes a conference; an operator leaving leaves the other two; the last one ends it', async () => {
    s = await setup();
    const ann = await answeredByAnn(s);
    expect(await s.center.conference('ann')).toBe('no-consultation');
    await s.acd.operatorLogin('bob');
    const consultLeg = new FakeLeg();
    s.center.consult({ operatorId: 'ann', target: 'bob', consultFor: 'c1', sipCallId: 'k1', fromTag: 'ft', offerSdp: 'o', leg: consultLeg });
    const bob = (await s.dialer.nth(2)).answer('bob');
    await until(() => consultLeg.answered, 'the consultation to connect');
    expect(await s.center.conference('bob')).toBe('not-talking');
    expect(await s.center.conference('ann')).toBe('ok');
    expect(s.mixer.log.filter((l) => l.startsWith('join'))).toEqual(['join caller#1', 'join ann#2', 'join bob#3']);
    expect(s.media.log).toEqual(expect.arrayContaining(['repark op-ann-1', 'connect mixer', 'delete consult-k1', 'offer conf-ann-c1', 'offer conf-bob-c1']));
    expect(ann.renegotiated).toHaveLength(1);
    expect(bob.renegotiated).toHaveLength(1);
    expect(consultLeg.hungUp).toBe(true);
    expect(ann.refer('queue-sales')).toEqual([403]); // no transfers from a conference
    ann.farHangUp();
    await until(async () => (await s.opState('ann')) === 'available', 'ann freed');
    expect(s.mixer.log).toContain('leave ann#2');
    expect(s.media.log).toContain('delete conf-ann-c1');
    expect(s.caller.hungUp).toBe(false);
    expect(s.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'bob' });
    bob.farHangUp();
    await until(async () => (await s.ended()) !== undefined, 'the record');
    expect(s.caller.hungUp).toBe(true);
    expect(s.mixer.log.at(-1)).toBe('close');
    const kinds = (await s.ended())!.segments.map((x) => `${x.kind}:${x.result ?? ''}`);
    expect(kinds).toEqual(expect.arrayContaining(['consult:conference', 'conference:']));
    expect(await s.opState('bob')).toBe('available');
  });
});
