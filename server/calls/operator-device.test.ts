import { loadConfig } from '../../config';
import { MediaError, MediaErrorCode } from '../../media';
import { Acd } from '../routing';
import { MemoryAcdStore } from '../store/memory-store';
import { CallCenter } from './call-center';
import { MemoryCallRecordStore } from './call-record';
import { routingConfig } from './direct-queues';
import { noAnswerCause } from './operator-device';
import { FakeDialer, FakeLeg, FakeMedia, FakeMixer } from './testing/fakes';

const quiet = { info: () => undefined, warn: () => undefined, child: () => quiet };

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function setup() {
  const config = loadConfig({}, [{
    path: 't.yaml', text: `
trunks: [{ id: local, allow: [127.0.0.1] }]
numbers: [{ number: "100", queue: support }]
queues: [{ id: support, strategy: longest-idle, wrapUpMs: 0 }]
operators: [{ id: ann, name: Ann, sip: { username: ann, password: x }, queues: [{ queue: support }] }]
`,
  }]);
  const acd = new Acd({ store: new MemoryAcdStore(), now: Date.now, newId: (() => { let n = 0; return () => `id${++n}`; })(), random: () => 0.5 });
  await acd.configure(routingConfig(config));
  const media = new FakeMedia();
  const dialer = new FakeDialer();
  const records = new MemoryCallRecordStore();
  const center = new CallCenter({
    mixer: new FakeMixer(), acd, media, dialer, records, now: Date.now, log: quiet, holdMusic: '/music.wav', tickMs: 60_000,
    directory: { operatorBySipUser: (u) => (u === 'ann' ? u : undefined), hasQueue: (q) => q === 'support' },
  });
  const caller = new FakeLeg();
  center.accept({ callId: 'c1', fromTag: 'caller-tag', trunkId: 'local', number: '100', queue: 'support', caller: '4930111', offerSdp: 'v=0', leg: caller });
  await acd.operatorLogin('ann');
  const op = async () => (await acd.snapshot()).operators.find((x) => x.id === 'ann');
  return { acd, media, dialer, records, center, caller, op };
}

describe('operator devices: the leg profile follows the device, and its refusals are told apart', () => {
  let s: Awaited<ReturnType<typeof setup>>;
  afterEach(() => s?.center.close());

  it('a desk phone is connected and re-offered (hold) as plain RTP; a browser as WebRTC', async () => {
    s = await setup();
    const phone = (await s.dialer.nth(1)).answer('ann', 'phone');
    await until(async () => (await s.op())?.state === 'on-call', 'ann on the call');
    const [tag, profile] = [...s.media.connectedAs][0]!;
    expect(profile).toBe('trunk');
    await phone.reInvite('a=sendonly');
    expect(s.media.updatedAs).toEqual([`${tag}:trunk`]);
  });

  it('an answer the relay cannot use is ACKed and hung up, the operator is not paused, the record says failed', async () => {
    s = await setup();
    s.media.connectFails = new MediaError(MediaErrorCode.CodecUnsupported, 'the trunk leg offers no usable codec (offered: G722)');
    (await s.dialer.nth(1)).answer('ann', 'phone');
    await until(() => s.dialer.abandoned.length === 1, 'the answer abandoned');
    expect(s.dialer.abandoned[0]).toEqual({ operatorId: 'ann', reason: 'the trunk leg offers no usable codec (offered: G722)' });
    // not paused: the call is offered to her again at once
    await s.dialer.nth(2);
    expect((await s.op())?.state).not.toBe('paused');
  });

  it.each([
    [486, 'busy'],
    [603, 'declined'],
  ])('a device answering %i pauses the operator as %s, not as no-answer', async (status, reason) => {
    s = await setup();
    (await s.dialer.nth(1)).fail('declined', status);
    await until(async () => (await s.op())?.state === 'paused', 'ann paused');
    expect(await s.op()).toMatchObject({ state: 'paused', reason });
  });
});

describe('noAnswerCause', () => {
  const dialFailure = (reason: string, status: number) => Object.assign(new Error(reason), { reason, status });
  it.each([
    ['ring timeout', dialFailure('no-answer', 408), false, 'no-answer'],
    ['nobody reachable', dialFailure('unreachable', 480), false, 'unreachable'],
    ['486 Busy Here', dialFailure('declined', 486), false, 'busy'],
    ['603 Decline', dialFailure('declined', 603), false, 'declined'],
    ['our failure after an answer', new Error('relay down'), true, 'failed'],
    ['the call moved on after an answer', dialFailure('canceled', 487), true, 'failed'],
  ])('%s → %s', (_n, err, answered, expected) => {
    expect(noAnswerCause(err, answered as boolean)).toBe(expected);
  });
});
