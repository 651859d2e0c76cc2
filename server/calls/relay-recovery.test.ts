import { EventEmitter } from 'node:events';
import { loadConfig } from '../../config';
import type { MediaRelayState } from '../../media';
import { Acd } from '../routing';
import { MemoryAcdStore } from '../store/memory-store';
import { CallCenter } from './call-center';
import { MemoryCallRecordStore } from './call-record';
import { routingConfig } from './direct-queues';
import { RelayRecovery } from './relay-recovery';
import { FakeDialer, FakeLeg, FakeMedia } from './testing/fakes';

const quiet = { info: () => undefined, warn: () => undefined, child: () => quiet };

async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The relay's events and state, driven by the test. */
class FakeRelay extends EventEmitter {
  state: MediaRelayState = 'up';
}

async function setup(timeoutMs = 60_000) {
  const config = loadConfig({}, [{
    path: 't.yaml', text: `
trunks: [{ id: local, allow: [127.0.0.1] }]
numbers: [{ number: "100", queue: support }]
queues: [{ id: support, strategy: longest-idle, wrapUpMs: 60000 }]
operators: [{ id: ann, name: Ann, sip: { username: ann, password: x }, queues: [{ queue: support }] }]
`,
  }]);
  const acd = new Acd({ store: new MemoryAcdStore(), now: Date.now, newId: (() => { let n = 0; return () => `id${++n}`; })(), random: () => 0.5 });
  await acd.configure(routingConfig(config));
  const media = new FakeMedia();
  const dialer = new FakeDialer();
  const records = new MemoryCallRecordStore();
  const center = new CallCenter({
    acd, media, dialer, records, now: Date.now, log: quiet, holdMusic: '/music.wav', tickMs: 60_000,
    directory: { operatorBySipUser: () => undefined, hasQueue: (q) => q === 'support' },
  });
  const relay = new FakeRelay();
  const results: string[] = [];
  const recovery = new RelayRecovery({ relay: relay as never, callOf: (id) => center.get(id), timeoutMs, log: quiet, onResult: (r) => results.push(r) });
  const caller = new FakeLeg();
  center.accept({ callId: 'c1', fromTag: 'caller-tag', trunkId: 'local', number: '100', queue: 'support', caller: '4930111', offerSdp: 'v=0', leg: caller });
  const opState = async () => (await acd.snapshot()).operators.find((x) => x.id === 'ann')?.state;
  const record = async () => (await records.query({}))[0];
  const close = () => { recovery.close(); center.close(); };
  return { acd, media, dialer, center, relay, recovery, results, caller, opState, record, close };
}

type Setup = Awaited<ReturnType<typeof setup>>;

async function connected(s: Setup): Promise<FakeLeg> {
  await s.acd.operatorLogin('ann');
  const leg = (await s.dialer.nth(1)).answer('ann');
  await until(async () => (await s.opState()) === 'on-call' && s.center.live()[0]?.state === 'connected', 'ann on the call');
  return leg;
}

describe('RelayRecovery: calls the media relay lost are moved to a new session or end as media-lost', () => {
  let s: Setup;
  afterEach(() => s?.close());

  it('a connected call: both legs are re-INVITEd onto a new session, the call goes on', async () => {
    s = await setup();
    const ann = await connected(s);
    s.media.log.length = 0;
    await s.recovery.recover({ callIds: ['c1', 'unknown'], reason: 'rtpengine exited' });
    expect(s.results).toEqual(['restored']);
    expect(s.media.log).toEqual(['park c1', 'connect op-ann-1']); // no music: nobody waits
    expect(s.caller.renegotiated).toEqual(['answer-for-caller']);
    expect(ann.renegotiated).toEqual(['answer-for-op-ann-1']);
    expect(s.center.live()[0]).toMatchObject({ state: 'connected', operatorId: 'ann' });
    expect(await s.opState()).toBe('on-call');
    // hold still works on the new session: the leg kept its tag
    await ann.reInvite('a=sendonly');
    expect(s.media.log).toContain('update op-ann-1');
  });

  it('a queued caller is parked again and hears the music again', async () => {
    s = await setup();
    await until(() => s.center.live()[0]?.state === 'queued', 'the call queued');
    await until(() => s.media.log.includes('music on caller-tag'), 'music');
    s.media.log.length = 0;
    await s.recovery.recover({ callIds: ['c1'], reason: 'rtpengine exited' });
    expect(s.results).toEqual(['restored']);
    expect(s.media.log).toEqual(['park c1', 'music on caller-tag']);
    expect(s.center.live()[0]).toMatchObject({ state: 'queued' });
  });

  it('a leg that refuses the re-INVITE ends the call with media-lost: both legs hung up, the operator in wrap-up', async () => {
    s = await setup();
    const ann = await connected(s);
    ann.renegotiate = () => Promise.reject(new Error('488 Not Acceptable Here'));
    await s.recovery.recover({ callIds: ['c1'], reason: 'rtpengine exited' });
    expect(s.results).toEqual(['lost']);
    expect(s.caller.hungUp).toBe(true);
    expect(ann.hungUp).toBe(true);
    await until(async () => (await s.record())?.outcome === 'media-lost', 'the record');
    expect(await s.record()).toMatchObject({ outcome: 'media-lost', operatorId: 'ann' });
    expect(await s.opState()).toBe('wrap-up');
    expect(s.center.size).toBe(0);
  });

  it('waits for the relay to come back, and ends the calls with media-lost when it does not in time', async () => {
    s = await setup(50);
    await connected(s);
    s.relay.state = 'down';
    await s.recovery.recover({ callIds: ['c1'], reason: 'rtpengine exited' });
    expect(s.results).toEqual(['lost']);
    expect(s.caller.hungUp).toBe(true);
    await until(async () => (await s.record())?.outcome === 'media-lost', 'the record');
  });

  it('moves the calls once the relay reports up', async () => {
    s = await setup();
    const ann = await connected(s);
    s.relay.state = 'down';
    s.relay.emit('calls-lost', { callIds: ['c1'], reason: 'rtpengine exited' });
    await new Promise((r) => setImmediate(r));
    expect(ann.renegotiated).toEqual([]);
    s.relay.state = 'up';
    s.relay.emit('up');
    await until(() => s.results.length === 1, 'the recovery');
    expect(s.results).toEqual(['restored']);
    expect(ann.renegotiated).toHaveLength(1);
  });
});
