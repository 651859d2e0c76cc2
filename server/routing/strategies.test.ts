import { parseQueueConfig } from './config-schema';
import { Prng } from './prng';
import { selectOperators } from './strategies';
import { EngineHarness, offers, operator, queue } from './testing/harness';
import type { CallRecord, OperatorRecord, Strategy } from './types';

function op(id: string, extra: Partial<OperatorRecord> = {}): OperatorRecord {
  return { id, skills: {}, queues: [], state: 'available', since: 0, idleSince: 0, calls: 0, talkMs: 0, ...extra };
}
const call: CallRecord = { id: 'c1', queueId: 'q', priority: 0, arrivedAt: 100, enqueuedAt: 100, skills: {}, state: 'waiting' };

interface Case {
  strategy: Strategy;
  ops: OperatorRecord[];
  penalties?: Record<string, number>;
  rrLast?: string;
  seed?: number;
  picked: string[];
}

const cases: Array<[string, Case]> = [
  ['longest-idle takes the earliest idle-since', { strategy: 'longest-idle', ops: [op('a', { idleSince: 50 }), op('b', { idleSince: 10 }), op('c', { idleSince: 30 })], picked: ['b'] }],
  ['longest-idle breaks ties by id', { strategy: 'longest-idle', ops: [op('b', { idleSince: 10 }), op('a', { idleSince: 10 })], picked: ['a'] }],
  ['fewest-calls takes the fewest answered', { strategy: 'fewest-calls', ops: [op('a', { calls: 3 }), op('b', { calls: 1 }), op('c', { calls: 2 })], picked: ['b'] }],
  ['fewest-calls ties go to the longest idle', { strategy: 'fewest-calls', ops: [op('a', { calls: 1, idleSince: 9 }), op('b', { calls: 1, idleSince: 5 })], picked: ['b'] }],
  ['least-talk-time takes the least talk', { strategy: 'least-talk-time', ops: [op('a', { talkMs: 900 }), op('b', { talkMs: 300 }), op('c', { talkMs: 600 })], picked: ['b'] }],
  ['round-robin starts at the first id', { strategy: 'round-robin', ops: [op('c'), op('a'), op('b')], picked: ['a'] }],
  ['round-robin continues after the last offered', { strategy: 'round-robin', ops: [op('a'), op('b'), op('c')], rrLast: 'a', picked: ['b'] }],
  ['round-robin wraps around', { strategy: 'round-robin', ops: [op('a'), op('b'), op('c')], rrLast: 'c', picked: ['a'] }],
  ['round-robin skips an unavailable next one', { strategy: 'round-robin', ops: [op('a'), op('b', { state: 'paused' }), op('c')], rrLast: 'a', picked: ['c'] }],
  ['ring-all rings every available member', { strategy: 'ring-all', ops: [op('b'), op('a'), op('c', { state: 'on-call' })], picked: ['a', 'b'] }],
  ['ring-all rings only the best tier', { strategy: 'ring-all', ops: [op('a'), op('b'), op('c')], penalties: { a: 1, b: 0, c: 0 }, picked: ['b', 'c'] }],
  ['random draws from the seed (seed 0)', { strategy: 'random', ops: [op('a'), op('b'), op('c')], seed: 0, picked: ['a'] }],
  ['random draws from the seed (seed 13)', { strategy: 'random', ops: [op('a'), op('b'), op('c')], seed: 13, picked: ['c'] }],
  ['penalty tier beats the strategy', { strategy: 'longest-idle', ops: [op('a', { idleSince: 1 }), op('b', { idleSince: 99 })], penalties: { a: 2, b: 0 }, picked: ['b'] }],
  ['higher tier when the first is busy', { strategy: 'longest-idle', ops: [op('a', { state: 'on-call' }), op('b')], penalties: { a: 0, b: 5 }, picked: ['b'] }],
];

describe('strategies', () => {
  it.each(cases)('%s', (_name, c) => {
    const ops = new Map(c.ops.map((o) => [o.id, o]));
    const members = Object.fromEntries(c.ops.map((o) => [o.id, c.penalties?.[o.id] ?? 0]));
    const choice = selectOperators({
      queue: parseQueueConfig({ id: 'q', strategy: c.strategy }),
      members,
      rrLast: c.rrLast,
      call,
      now: 200,
      operator: (id) => ops.get(id),
      prng: new Prng(c.seed ?? 1),
    });
    expect(choice?.picked).toEqual(c.picked);
    expect(choice?.rule).toBe(c.strategy);
  });

  it('explains who else was eligible and why others were not', () => {
    const ops = new Map([op('a', { idleSince: 5, skills: { fr: 5 } }), op('b', { idleSince: 3, skills: { fr: 2 } }), op('c', { state: 'paused' }), op('d', { idleSince: 9, skills: { fr: 7 } })].map((o) => [o.id, o]));
    const choice = selectOperators({
      queue: parseQueueConfig({ id: 'q', strategy: 'longest-idle', skills: [{ name: 'fr', level: 4 }] }),
      members: { a: 0, b: 0, c: 0, d: 0 },
      call,
      now: 200,
      operator: (id) => ops.get(id),
      prng: new Prng(1),
    });
    expect(choice).toEqual({
      kind: 'operator-for-call',
      rule: 'longest-idle',
      queueId: 'q',
      callId: 'c1',
      picked: ['a'],
      tier: 0,
      requirements: { fr: 4 },
      eligible: [
        { operatorId: 'a', penalty: 0, key: 5 },
        { operatorId: 'd', penalty: 0, key: 9 },
      ],
      eligibleCount: 2,
      unavailableCount: 1,
      lackingSkillsCount: 1,
      summary: 'longest-idle picked a of 2 eligible in tier 0',
    });
  });

  it('returns null when nobody is eligible', () => {
    const choice = selectOperators({
      queue: parseQueueConfig({ id: 'q', strategy: 'ring-all' }),
      members: { a: 0 },
      call,
      now: 200,
      operator: () => op('a', { state: 'wrap-up' }),
      prng: new Prng(1),
    });
    expect(choice).toBeNull();
  });

  it.each<[Strategy, string[]]>([
    ['round-robin', ['c1→a', 'c2→b', 'c3→c', 'c4→a']],
    ['longest-idle', ['c1→a', 'c2→b', 'c3→c', 'c4→a']],
    ['fewest-calls', ['c1→a', 'c2→b', 'c3→c', 'c4→a']],
  ])('%s spreads calls over the team over time', (strategy, expected) => {
    const h = new EngineHarness().configure({ queues: [queue('q', { strategy })], operators: ['a', 'b', 'c'].map((id) => operator(id, ['q'])) });
    h.login('a', 'b', 'c');
    const got: string[] = [];
    for (let i = 1; i <= 4; i++) {
      h.now += 1000;
      got.push(...offers(h.enqueue(`c${i}`, 'q')));
      h.answer(`c${i}`);
      h.now += 1000;
      h.hangup(`c${i}`);
    }
    expect(got).toEqual(expected);
  });

  it('least-talk-time prefers whoever talked least', () => {
    const h = new EngineHarness().configure({ queues: [queue('q', { strategy: 'least-talk-time' })], operators: ['a', 'b'].map((id) => operator(id, ['q'])) });
    h.login('a', 'b');
    h.enqueue('c1', 'q'); // a (tie on talk and idle: id)
    h.answer('c1');
    h.now += 60_000;
    h.hangup('c1');
    h.enqueue('c2', 'q'); // b has 0 talk
    h.answer('c2');
    h.now += 5_000;
    h.hangup('c2');
    expect(offers(h.enqueue('c3', 'q'))).toEqual(['c3→b']);
  });
});
