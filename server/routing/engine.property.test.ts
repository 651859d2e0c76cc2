import fc from 'fast-check';
import { isAppError } from './errors';
import { effectiveRequirements, meetsRequirements } from './skills';
import { EngineHarness } from './testing/harness';
import { STRATEGIES, type AcdCommand, type AcdStateView, type RoutingEvent } from './types';

const OPS = ['a', 'b', 'c', 'd'];
const QUEUES = ['q1', 'q2', 'q3'];

const queueArb = (id: string, i: number) =>
  fc.record({
    id: fc.constant(id),
    strategy: fc.constantFrom(...STRATEGIES),
    ringTimeoutMs: fc.constantFrom(5_000, 20_000),
    wrapUpMs: fc.constantFrom(0, 3_000),
    maxWaitMs: fc.option(fc.constantFrom(8_000, 30_000), { nil: undefined }),
    maxLength: fc.option(fc.constantFrom(0, 1, 3), { nil: undefined }),
    // overflow only to a later queue: never a loop
    overflow: i < QUEUES.length - 1 ? fc.constantFrom<unknown>('busy', { queue: QUEUES[i + 1] }) : fc.constant<unknown>('busy'),
    noAnswerPause: fc.constantFrom('no-answer', null),
    skills: fc.constantFrom([], [{ name: 'x', level: 5 }]),
    relaxation: fc.constantFrom([], [{ afterMs: 4_000, drop: 3 }, { afterMs: 12_000, drop: 5 }]),
  });

const configArb = fc.record({
  queues: fc.tuple(...QUEUES.map((id, i) => queueArb(id, i))),
  operators: fc.tuple(
    ...OPS.map((id) =>
      fc.record({
        id: fc.constant(id),
        skills: fc.constantFrom({}, { x: 3 }, { x: 7 }),
        queues: fc.subarray(QUEUES, { minLength: 1 }).chain((qs) => fc.tuple(...qs.map((q) => fc.record({ queue: fc.constant(q), penalty: fc.constantFrom(0, 1) })))),
      }),
    ),
  ),
});

type Step =
  | { t: 'enqueue'; call: number; queue: number; priority: number }
  | { t: 'op'; kind: 'login' | 'set-available' | 'pause' | 'logout' | 'force-logout' | 'end-wrap-up' | 'extend-wrap-up'; op: number }
  | { t: 'offer'; kind: 'ringing' | 'answered' | 'no-answer'; call: number; pick: number; stale: boolean }
  | { t: 'end'; kind: 'hangup' | 'abandon'; call: number }
  | { t: 'advance'; ms: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant('enqueue' as const), call: fc.nat(11), queue: fc.nat(2), priority: fc.constantFrom(0, 0, 5) }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant('op' as const), kind: fc.constantFrom('login', 'set-available', 'pause', 'logout', 'force-logout', 'end-wrap-up', 'extend-wrap-up'), op: fc.nat(3) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('offer' as const), kind: fc.constantFrom('ringing', 'answered', 'answered', 'no-answer'), call: fc.nat(11), pick: fc.nat(3), stale: fc.constantFrom(false, false, false, true) }), weight: 4 },
  { arbitrary: fc.record({ t: fc.constant('end' as const), kind: fc.constantFrom('hangup', 'hangup', 'abandon'), call: fc.nat(11) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.constantFrom(0, 1_000, 4_000, 9_000, 31_000) }), weight: 2 },
);

function toCommand(h: EngineHarness, step: Step): AcdCommand | null {
  switch (step.t) {
    case 'enqueue':
      return { kind: 'enqueue', call: { id: `c${step.call}`, queueId: QUEUES[step.queue] as string, priority: step.priority } };
    case 'op': {
      const operatorId = OPS[step.op] as string;
      if (step.kind === 'pause') return { kind: 'pause', operatorId, reason: 'break' };
      if (step.kind === 'logout') return { kind: 'logout', operatorId };
      if (step.kind === 'force-logout') return { kind: 'logout', operatorId, force: true };
      if (step.kind === 'extend-wrap-up') return { kind: 'extend-wrap-up', operatorId, ms: 2_000 };
      return { kind: step.kind, operatorId };
    }
    case 'offer': {
      // aim at a call being offered when there is one, so the offer paths get exercised
      const offered = h.engine.view().calls.filter((c) => c.state === (step.kind === 'answered' || step.kind === 'ringing' || step.kind === 'no-answer' ? 'offered' : 'on-call'));
      const target = offered.length > 0 && !step.stale ? (offered[step.call % offered.length] as { id: string }).id : `c${step.call}`;
      const call = h.call(target);
      const ids = call?.operatorIds ?? OPS;
      return { kind: step.kind, callId: target, operatorId: ids[step.pick % ids.length] as string, token: step.stale || !call?.token ? 'stale' : call.token };
    }
    case 'end': {
      const answered = h.engine.view().calls.filter((c) => c.state === 'on-call');
      const target = step.kind === 'hangup' && answered.length > 0 && step.call % 3 !== 0 ? (answered[step.call % answered.length] as { id: string }).id : `c${step.call}`;
      return { kind: step.kind, callId: target };
    }
    case 'advance':
      return null;
  }
}

/** The invariants that must hold after every step. */
function checkInvariants(view: AcdStateView, now: number): void {
  const calls = new Map(view.calls.map((c) => [c.id, c]));
  const ops = new Map(view.operators.map((o) => [o.id, o]));
  const queues = new Map(view.queues.map((q) => [q.config.id, q]));
  const holder = new Map<string, string>();
  for (const call of view.calls) {
    const inLists = view.queues.filter((q) => q.waiting.includes(call.id)).map((q) => q.config.id);
    if (call.state === 'waiting') {
      expect(inLists).toEqual([call.queueId]);
      expect(call.token).toBeUndefined();
    } else {
      expect(inLists).toEqual([]);
      expect(view.timers.some((t) => t.key === `r|${call.id}`)).toBe(call.state === 'offered');
      for (const opId of call.operatorIds ?? []) {
        // no operator is on two calls
        expect(holder.get(opId)).toBeUndefined();
        holder.set(opId, call.id);
        const op = ops.get(opId);
        expect(op?.callId).toBe(call.id);
        expect(op?.token).toBe(call.token);
        expect(op?.state).toEqual(call.state === 'on-call' ? 'on-call' : expect.stringMatching(/^(reserved|ringing)$/));
      }
      expect((call.operatorIds ?? []).length).toBeGreaterThan(0);
    }
  }
  for (const op of view.operators) {
    const busy = op.state === 'reserved' || op.state === 'ringing' || op.state === 'on-call';
    expect(holder.has(op.id)).toBe(busy);
    if (!busy) expect(op.callId).toBeUndefined();
    expect(op.state === 'paused').toBe(op.reason !== undefined);
    expect(view.timers.some((t) => t.key === `w|${op.id}`)).toBe(op.state === 'wrap-up');
  }
  for (const q of view.queues) {
    expect(new Set(q.waiting).size).toBe(q.waiting.length);
    for (const id of q.waiting) {
      const call = calls.get(id);
      expect(call?.state).toBe('waiting');
      // work-conserving: a call never waits while a qualified member is available
      const req = effectiveRequirements(q.config, call as NonNullable<typeof call>, now);
      for (const opId of Object.keys(q.members)) {
        const op = ops.get(opId);
        if (op?.state === 'available') expect(meetsRequirements(op.skills, req)).toBe(false);
      }
    }
  }
  expect(queues.size).toBe(QUEUES.length);
}

/**
 * Calls are neither lost nor duplicated: a call lives from its accepted enqueue until exactly one
 * ending event (rejected, abandoned, completed), and the state holds exactly the live calls.
 */
function trackLives(live: Set<string>, cmd: AcdCommand | null, events: RoutingEvent[]): void {
  if (cmd?.kind === 'enqueue') {
    expect(live.has(cmd.call.id)).toBe(false);
    live.add(cmd.call.id);
  }
  for (const e of events) {
    if (e.type === 'call-rejected' || e.type === 'call-abandoned' || e.type === 'call-completed') {
      expect(live.has(e.callId)).toBe(true);
      live.delete(e.callId);
    }
  }
}

const coverage = { steps: 0, accepted: 0, offers: 0, answers: 0, completed: 0, overflows: 0, expiries: 0 };

describe('routing engine under random events', () => {
  it('never double-books, never loses or duplicates a call, and every operator can get back to available', () => {
    fc.assert(
      fc.property(configArb, fc.subarray(OPS), fc.array(stepArb, { minLength: 10, maxLength: 80, size: 'max' }), fc.nat(233_279), (config, online, steps, seed) => {
        const h = new EngineHarness(seed).configure(config);
        h.login(...online);
        h.log.length = 0;
        const live = new Set<string>();
        for (const step of steps) {
          const before = h.engine.view();
          const cmd = toCommand(h, step);
          coverage.steps++;
          try {
            if (cmd) h.exec(cmd);
            else h.advance(step.t === 'advance' ? step.ms : 0);
            coverage.accepted++;
            trackLives(live, cmd, h.log);
          } catch (err) {
            if (!isAppError(err)) throw err;
            expect(h.engine.view()).toEqual(before); // a refused command changes nothing
            expect(h.log).toEqual([]);
          }
          for (const e of h.log) {
            if (e.type === 'call-offered') coverage.offers++;
            if (e.type === 'call-answered') coverage.answers++;
            if (e.type === 'call-completed') coverage.completed++;
            if (e.type === 'call-overflowed' || e.type === 'call-rejected') coverage.overflows++;
            if (e.type === 'offer-withdrawn' && (e.reason === 'expired' || e.reason === 'no-answer')) coverage.expiries++;
          }
          h.log.length = 0;
          const view = h.engine.view();
          checkInvariants(view, h.now);
          expect(view.calls.map((c) => c.id).sort()).toEqual([...live].sort());
        }
        // recovery: each operator can be brought back to available
        for (const id of OPS) {
          let reached = h.op(id).state === 'available';
          for (let i = 0; i < 12 && !reached; i++) {
            const op = h.op(id);
            const cmd: AcdCommand | null =
              op.state === 'offline' ? { kind: 'login', operatorId: id }
              : op.state === 'paused' ? { kind: 'set-available', operatorId: id }
              : op.state === 'wrap-up' ? { kind: 'end-wrap-up', operatorId: id }
              : op.state === 'on-call' ? { kind: 'hangup', callId: op.callId as string }
              : { kind: 'no-answer', callId: op.callId as string, operatorId: id, token: op.token as string };
            const events = h.exec(cmd);
            reached = events.some((e) => e.type === 'operator-state' && e.operatorId === id && e.to === 'available');
            checkInvariants(h.engine.view(), h.now);
          }
          expect(reached).toBe(true);
        }
      }),
      { numRuns: 150, seed: 42 },
    );
    // the random walks must reach the interesting paths, or the property proves little
    expect(coverage.offers).toBeGreaterThan(300);
    expect(coverage.answers).toBeGreaterThan(100);
    expect(coverage.completed).toBeGreaterThan(60);
    expect(coverage.overflows).toBeGreaterThan(50);
    expect(coverage.expiries).toBeGreaterThan(40);
  });
});
