import * as path from 'node:path';
import { Acd, type AcdStateView, type RoutingEvent } from '../../server/routing';
import { RedisAcdStore } from '../../server/store/redis-store';
import { startProcess, stopAll, waitFor } from '../support/processes';
import { randomPrefix, startRedis, type TestRedis } from './redis-server';

const ROOT = path.resolve(__dirname, '../..');
const OPS = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8'];

/** The double-booking invariants, checked on an atomic snapshot. */
function violations(view: AcdStateView): string[] {
  const out: string[] = [];
  const ops = new Map(view.operators.map((o) => [o.id, o]));
  const holder = new Map<string, string>();
  for (const call of view.calls) {
    const lists = view.queues.filter((q) => q.waiting.includes(call.id)).length;
    if (call.state === 'waiting' && lists !== 1) out.push(`${call.id} waits in ${lists} queues`);
    if (call.state !== 'waiting' && lists !== 0) out.push(`${call.id} is ${call.state} and still waiting`);
    for (const id of call.state === 'waiting' ? [] : call.operatorIds ?? []) {
      if (holder.has(id)) out.push(`${id} holds ${holder.get(id)} and ${call.id}`);
      holder.set(id, call.id);
      const op = ops.get(id);
      if (op?.callId !== call.id || op.token !== call.token) out.push(`${id} does not point back at ${call.id}`);
    }
    if (call.state === 'on-call' && (call.operatorIds ?? []).length !== 1) out.push(`${call.id} answered by ${call.operatorIds?.join('+')}`);
  }
  for (const op of view.operators) {
    const busy = op.state === 'reserved' || op.state === 'ringing' || op.state === 'on-call';
    if (busy !== holder.has(op.id)) out.push(`${op.id} is ${op.state} but holds ${holder.get(op.id) ?? 'nothing'}`);
  }
  return out;
}

describe('two routing processes against one Redis', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await stopAll();
  });

  it('never gives a call to two operators nor two calls to an operator', async () => {
    const prefix = randomPrefix();
    const admin = await RedisAcdStore.connect({ url: redis.url, prefix });
    const acd = new Acd({ store: admin, now: () => Date.now(), newId: () => `admin-${Math.random()}`, random: Math.random });
    await acd.configure({
      queues: [
        { id: 'q1', strategy: 'longest-idle', ringTimeoutMs: 300, wrapUpMs: 40, maxLength: 6, overflow: { queue: 'q2' } },
        { id: 'q2', strategy: 'round-robin', ringTimeoutMs: 300, maxWaitMs: 2000, overflow: { queue: 'q3' } },
        { id: 'q3', strategy: 'ring-all', ringTimeoutMs: 300, noAnswerPause: null, maxLength: 10 },
      ],
      operators: OPS.map((id, i) => ({ id, queues: [{ queue: 'q1' }, ...(i % 2 ? [{ queue: 'q2' }] : []), ...(i % 3 === 0 ? [{ queue: 'q3' }] : [])] })),
    });

    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
    const worker = path.join(ROOT, 'test/store/routing-worker.ts');
    const workers = ['A', 'B'].map((id) => startProcess(tsx, [worker, redis.url, prefix, id, '3000', '6000'], { cwd: ROOT }));

    // sample the shared state while both run: every snapshot must be consistent
    const problems: string[] = [];
    let samples = 0;
    const done = () => workers.every((w) => w.child.exitCode !== null);
    while (!done()) {
      problems.push(...violations(await admin.read()));
      samples++;
      await new Promise((r) => setTimeout(r, 25));
    }
    await waitFor(done, 'both workers to finish', 30_000);
    for (const w of workers) expect({ code: w.child.exitCode, output: w.child.exitCode ? w.output() : '' }).toEqual({ code: 0, output: '' });
    expect(problems).toEqual([]);
    expect(samples).toBeGreaterThan(10);

    const results = workers.map((w) => JSON.parse(w.output().split('RESULT ')[1] as string) as { events: RoutingEvent[]; races: number; steps: number });
    const events = results.flatMap((r) => r.events);
    const count = (type: RoutingEvent['type']) => events.filter((e) => e.type === type).length;

    // each call answered at most once, by an operator it was offered to, across both processes
    const answered = new Map<string, number>();
    const offeredTo = new Map<string, Set<string>>();
    for (const e of events) {
      if (e.type === 'call-offered') for (const id of e.operatorIds) (offeredTo.get(e.token) ?? offeredTo.set(e.token, new Set()).get(e.token))?.add(`${e.callId}/${id}`);
      if (e.type === 'call-answered') answered.set(e.callId, (answered.get(e.callId) ?? 0) + 1);
    }
    expect([...answered.values()].filter((n) => n > 1)).toEqual([]);
    const tokens = events.filter((e) => e.type === 'call-offered').map((e) => (e.type === 'call-offered' ? e.token : ''));
    expect(new Set(tokens).size).toBe(tokens.length);

    // every call that entered ended exactly once or is still in the store
    const entered = new Set(events.filter((e) => e.type === 'call-queued').map((e) => (e.type === 'call-queued' ? e.callId : '')));
    const endings = new Map<string, number>();
    for (const e of events) if (e.type === 'call-completed' || e.type === 'call-abandoned' || e.type === 'call-rejected') endings.set(e.callId, (endings.get(e.callId) ?? 0) + 1);
    expect([...endings.values()].filter((n) => n > 1)).toEqual([]);
    const final = await admin.read();
    expect(violations(final)).toEqual([]);
    const live = new Set(final.calls.map((c) => c.id));
    for (const id of entered) expect([id, endings.has(id) !== live.has(id)]).toEqual([id, true]);

    // the race was real: both made decisions and both lost some
    expect(count('call-answered')).toBeGreaterThan(50);
    expect(count('call-offered')).toBeGreaterThan(100);
    expect(results.every((r) => r.races > 0 && r.events.some((e) => e.type === 'call-offered'))).toBe(true);
    await admin.close();
  }, 60_000);
});
