import { isAppError } from './errors';
import { EngineHarness, offers, ofType, operator, queue } from './testing/harness';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
  return undefined;
}

describe('priorities', () => {
  it.each<[string, Array<[string, number]>, string[]]>([
    ['arrival order at equal priority', [['c1', 0], ['c2', 0], ['c3', 0]], ['c1', 'c2', 'c3']],
    ['higher priority first', [['c1', 0], ['c2', 5], ['c3', 0]], ['c2', 'c1', 'c3']],
    ['several priorities', [['c1', 1], ['c2', 9], ['c3', 5], ['c4', 9]], ['c2', 'c4', 'c3', 'c1']],
  ])('%s', (_name, calls, served) => {
    const h = new EngineHarness().configure({ queues: [queue('q')], operators: [operator('a', ['q'])] });
    for (const [id, priority] of calls) {
      h.now += 10;
      h.enqueue(id, 'q', { priority });
    }
    const got: string[] = [];
    h.login('a');
    for (let i = 0; i < calls.length; i++) {
      const callId = h.op('a').callId as string;
      got.push(callId);
      h.answer(callId);
      h.hangup(callId);
    }
    expect(got).toEqual(served);
  });

  it('reports positions as calls queue', () => {
    const h = new EngineHarness().configure({ queues: [queue('q')], operators: [] });
    expect(ofType(h.enqueue('c1', 'q'), 'call-queued')[0]?.position).toBe(1);
    expect(ofType(h.enqueue('c2', 'q'), 'call-queued')[0]?.position).toBe(2);
    expect(ofType(h.enqueue('c3', 'q', { priority: 3 }), 'call-queued')[0]?.position).toBe(1);
    expect(h.waiting('q')).toEqual(['c3', 'c1', 'c2']);
  });
});

describe('one operator in several queues', () => {
  const setup = () => new EngineHarness().configure({ queues: [queue('a'), queue('b'), queue('c')], operators: [operator('op', ['a', 'b', 'c'])] });

  it.each<[string, Array<[string, string, number, number]>, string[]]>([
    ['longest wait across queues', [['x1', 'a', 0, 30], ['y1', 'b', 0, 10], ['z1', 'c', 0, 20]], ['y1', 'z1', 'x1']],
    ['priority before wait', [['x1', 'a', 0, 10], ['y1', 'b', 2, 30]], ['y1', 'x1']],
    ['equal arrival: by call id', [['m', 'b', 0, 10], ['k', 'a', 0, 10]], ['k', 'm']],
  ])('%s', (_name, calls, served) => {
    const h = setup();
    const base = h.now;
    for (const [id, q, priority, at] of calls) {
      h.now = base + at;
      h.enqueue(id, q, { priority });
    }
    h.now = base + 100;
    h.login('op');
    const got: string[] = [];
    for (let i = 0; i < calls.length; i++) {
      const callId = h.op('op').callId as string;
      got.push(callId);
      h.answer(callId);
      h.hangup(callId);
    }
    expect(got).toEqual(served);
  });

  it('explains the pick with the head of each queue', () => {
    const h = setup();
    h.enqueue('x1', 'a');
    h.now += 5;
    h.enqueue('y1', 'b');
    const [offer] = ofType(h.login('op'), 'call-offered');
    expect(offer?.explanation).toEqual({
      kind: 'call-for-operator',
      rule: 'priority-then-longest-wait',
      operatorId: 'op',
      callId: 'x1',
      queueId: 'a',
      candidates: [
        { callId: 'x1', queueId: 'a', priority: 0, arrivedAt: h.now - 5 },
        { callId: 'y1', queueId: 'b', priority: 0, arrivedAt: h.now },
      ],
      summary: 'priority-then-longest-wait picked x1 in a of 2 queue heads',
    });
  });

  it('an overflowed call keeps its arrival time against newer calls', () => {
    const h = new EngineHarness().configure({ queues: [queue('a', { maxWaitMs: 1000, overflow: { queue: 'b' } }), queue('b')], operators: [operator('op', ['b'])] });
    h.enqueue('old', 'a');
    h.now += 500;
    h.enqueue('new', 'b');
    h.advance(500); // old overflows into b
    expect(h.waiting('b')).toEqual(['old', 'new']);
    expect(offers(h.login('op'))).toEqual(['old→op']);
  });
});

describe('skills and relaxation', () => {
  const setup = () =>
    new EngineHarness().configure({
      queues: [queue('fr', { skills: [{ name: 'french', level: 6 }], relaxation: [{ afterMs: 30_000, drop: 2 }, { afterMs: 60_000, drop: 6 }] })],
      operators: [operator('expert', ['fr'], { french: 8 }), operator('learner', ['fr'], { french: 4 }), operator('none', ['fr'])],
    });

  it.each<[string, string[], number, string[]]>([
    ['an expert gets it at once', ['expert', 'learner', 'none'], 0, ['c1→expert']],
    ['nobody qualified yet: waits', ['learner', 'none'], 29_999, []],
    ['after 30 s the level 4 operator qualifies', ['learner', 'none'], 30_000, ['c1→learner']],
    ['after 60 s anyone qualifies', ['none'], 60_000, ['c1→none']],
    ['before 60 s the unskilled operator does not', ['none'], 59_999, []],
  ])('%s', (_name, online, waitMs, expected) => {
    const h = setup();
    h.login(...online);
    const events = [...h.enqueue('c1', 'fr'), ...h.advance(waitMs)];
    expect(offers(events)).toEqual(expected);
  });

  it('a call can ask for more than the queue', () => {
    const h = setup();
    h.login('expert');
    expect(offers(h.enqueue('c1', 'fr', { skills: { french: 9 } }))).toEqual([]);
    expect(offers(h.advance(30_000))).toEqual(['c1→expert']); // 9 - 2 = 7 ≤ 8
  });

  it('an operator who becomes free takes only calls they qualify for', () => {
    const h = setup();
    h.enqueue('c1', 'fr');
    expect(offers(h.login('learner'))).toEqual([]);
    expect(h.waiting('fr')).toEqual(['c1']);
  });
});

describe('wrap-up', () => {
  const setup = () =>
    new EngineHarness().configure({
      queues: [queue('long', { wrapUpMs: 30_000 }), queue('none', { wrapUpMs: 0 })],
      operators: [operator('op', ['long', 'none'])],
    });

  it('uses the wrap-up of the call’s own queue and blocks every queue meanwhile', () => {
    const h = setup();
    h.login('op');
    h.enqueue('c1', 'long');
    h.answer('c1');
    h.now += 1000;
    h.hangup('c1');
    expect(h.op('op')).toMatchObject({ state: 'wrap-up', wrapUpEndsAt: h.now + 30_000 });
    expect(offers(h.enqueue('c2', 'none'))).toEqual([]); // not offered during wrap-up from another queue
    expect(offers(h.advance(29_999))).toEqual([]);
    expect(offers(h.advance(1))).toEqual(['c2→op']);
    h.answer('c2');
    h.hangup('c2');
    expect(h.op('op').state).toBe('available'); // queue "none" has no wrap-up
  });

  it('can be extended and ended early by the operator', () => {
    const h = setup();
    h.login('op');
    h.enqueue('c1', 'long');
    h.answer('c1');
    h.hangup('c1');
    const ext = h.exec({ kind: 'extend-wrap-up', operatorId: 'op', ms: 15_000 });
    expect(ext).toEqual([{ type: 'wrap-up-extended', at: h.now, operatorId: 'op', endsAt: h.now + 45_000 }]);
    h.enqueue('c2', 'long');
    expect(offers(h.advance(44_999))).toEqual([]);
    h.now += 1;
    expect(offers(h.exec({ kind: 'end-wrap-up', operatorId: 'op' }))).toEqual(['c2→op']);
  });

  it('extend or end outside wrap-up is an illegal transition', () => {
    const h = setup();
    h.login('op');
    expect(code(() => h.exec({ kind: 'extend-wrap-up', operatorId: 'op', ms: 1 }))).toBe('ERR_ILLEGAL_TRANSITION');
    expect(code(() => h.exec({ kind: 'end-wrap-up', operatorId: 'op' }))).toBe('ERR_ILLEGAL_TRANSITION');
  });
});

describe('no-answer', () => {
  it.each<[string, string | null, { state: string; reason?: string }]>([
    ['pauses with reason no-answer by default', 'no-answer', { state: 'paused', reason: 'no-answer' }],
    ['pauses with a configured reason', 'missed-call', { state: 'paused', reason: 'missed-call' }],
  ])('%s, and the call goes back to the head', (_name, noAnswerPause, expected) => {
    const h = new EngineHarness().configure({ queues: [queue('q', { noAnswerPause })], operators: [operator('a', ['q'])] });
    h.login('a');
    h.enqueue('c1', 'q');
    h.now += 10;
    h.enqueue('c2', 'q');
    h.now += 10;
    const events = h.noAnswer('c1');
    expect(ofType(events, 'offer-withdrawn')[0]).toMatchObject({ callId: 'c1', operatorId: 'a', reason: 'no-answer' });
    expect(ofType(events, 'call-returned')[0]).toMatchObject({ callId: 'c1', position: 1 });
    expect(h.waiting('q')).toEqual(['c1', 'c2']);
    expect(h.op('a')).toMatchObject(expected);
  });

  it.each<[string, 'busy' | 'declined' | 'failed', string | null, { state: string; reason?: string }]>([
    ['busy pauses as busy', 'busy', 'no-answer', { state: 'paused', reason: 'busy' }],
    ['declined pauses as declined', 'declined', 'missed-call', { state: 'paused', reason: 'declined' }],
    // not paused: the call, back at the head, is offered to the only operator again
    ['busy does not pause where the queue never pauses', 'busy', null, { state: 'reserved' }],
    ['our own failure never pauses', 'failed', 'no-answer', { state: 'reserved' }],
  ])('%s', (_name, cause, noAnswerPause, expected) => {
    const h = new EngineHarness().configure({ queues: [queue('q', { noAnswerPause })], operators: [operator('a', ['q']), operator('b', ['q'])] });
    h.login('a');
    h.enqueue('c1', 'q');
    const events = h.exec({ kind: 'no-answer', callId: 'c1', operatorId: 'a', token: h.offerOf('c1').token, cause });
    expect(ofType(events, 'offer-withdrawn')[0]).toMatchObject({ callId: 'c1', operatorId: 'a', reason: 'no-answer' });
    expect(h.op('a')).toMatchObject(expected);
  });

  it('with no pause configured the operator stays available, at the back of the idle line', () => {
    const h = new EngineHarness().configure({ queues: [queue('q', { noAnswerPause: null })], operators: [operator('a', ['q']), operator('b', ['q'])] });
    h.login('a');
    h.now += 1;
    h.login('b');
    h.enqueue('c1', 'q');
    expect(h.offerOf('c1').operatorIds).toEqual(['a']);
    h.now += 1;
    expect(offers(h.noAnswer('c1'))).toEqual(['c1→b']);
    expect(h.op('a').state).toBe('available');
  });

  it('the ring timeout is a no-answer when it rang, a plain release when it never rang', () => {
    const h = new EngineHarness().configure({ queues: [queue('q', { ringTimeoutMs: 15_000 })], operators: [operator('a', ['q']), operator('b', ['q'])] });
    h.login('a', 'b');
    h.enqueue('c1', 'q');
    h.exec({ kind: 'ringing', callId: 'c1', operatorId: 'a', token: h.offerOf('c1').token });
    expect(offers(h.advance(14_999))).toEqual([]);
    const events = h.advance(1);
    expect(ofType(events, 'offer-withdrawn')[0]?.reason).toBe('no-answer');
    expect(offers(events)).toEqual(['c1→b']);
    expect(h.op('a')).toMatchObject({ state: 'paused', reason: 'no-answer' });
    // b never reports ringing: the reservation expires and b is simply available again
    const expired = h.advance(15_000);
    expect(ofType(expired, 'offer-withdrawn')[0]?.reason).toBe('expired');
    expect(offers(expired)).toEqual(['c1→b']);
  });

  it('a stale report is refused and changes nothing', () => {
    const h = new EngineHarness().configure({ queues: [queue('q')], operators: [operator('a', ['q'])] });
    h.login('a');
    h.enqueue('c1', 'q');
    const before = h.engine.view();
    expect(code(() => h.exec({ kind: 'answered', callId: 'c1', operatorId: 'a', token: 'old' }))).toBe('ERR_STALE_OFFER');
    expect(h.engine.view()).toEqual(before);
  });
});

describe('pause reasons', () => {
  it('keeps the reason, changes it, and resumes', () => {
    const h = new EngineHarness().configure({ queues: [queue('q')], operators: [operator('a', ['q'])] });
    h.exec({ kind: 'login', operatorId: 'a', pausedReason: 'login' });
    expect(h.op('a')).toMatchObject({ state: 'paused', reason: 'login' });
    h.exec({ kind: 'pause', operatorId: 'a', reason: 'lunch' });
    expect(h.op('a')).toMatchObject({ state: 'paused', reason: 'lunch' });
    h.enqueue('c1', 'q');
    expect(offers(h.exec({ kind: 'set-available', operatorId: 'a' }))).toEqual(['c1→a']);
    expect(h.op('a').reason).toBeUndefined();
  });

  it('cannot pause during a call, can pause from wrap-up', () => {
    const h = new EngineHarness().configure({ queues: [queue('q', { wrapUpMs: 5000 })], operators: [operator('a', ['q'])] });
    h.login('a');
    h.enqueue('c1', 'q');
    h.answer('c1');
    expect(code(() => h.exec({ kind: 'pause', operatorId: 'a', reason: 'x' }))).toBe('ERR_ILLEGAL_TRANSITION');
    h.hangup('c1');
    h.exec({ kind: 'pause', operatorId: 'a', reason: 'break' });
    expect(h.op('a')).toMatchObject({ state: 'paused', reason: 'break' });
    expect(h.advance(10_000)).toEqual([]); // the wrap-up timer is gone
  });
});

describe('overflow', () => {
  it('a full queue overflows to the next queue, then turns calls away', () => {
    const h = new EngineHarness().configure({ queues: [queue('a', { maxLength: 1, overflow: { queue: 'b' } }), queue('b', { maxLength: 1 })], operators: [] });
    h.enqueue('c1', 'a');
    const second = h.enqueue('c2', 'a');
    expect(second).toEqual([
      { type: 'call-overflowed', at: h.now, callId: 'c2', fromQueueId: 'a', toQueueId: 'b', reason: 'max-length' },
      { type: 'call-queued', at: h.now, callId: 'c2', queueId: 'b', priority: 0, position: 1 },
    ]);
    expect(h.enqueue('c3', 'a')).toEqual([
      { type: 'call-overflowed', at: h.now, callId: 'c3', fromQueueId: 'a', toQueueId: 'b', reason: 'max-length' },
      { type: 'call-rejected', at: h.now, callId: 'c3', queueId: 'b', reason: 'max-length' },
    ]);
    expect(h.call('c3')).toBeUndefined();
  });

  it('a full queue still takes a call an operator can answer now', () => {
    const h = new EngineHarness().configure({ queues: [queue('a', { maxLength: 0 })], operators: [operator('op', ['a'])] });
    h.login('op');
    expect(offers(h.enqueue('c1', 'a'))).toEqual(['c1→op']);
    expect(ofType(h.enqueue('c2', 'a'), 'call-rejected')).toHaveLength(1);
  });

  it.each<[string, unknown, string]>([
    ['to a queue', { queue: 'b' }, 'call-overflowed'],
    ['to busy', 'busy', 'call-rejected'],
  ])('maximum wait moves the call %s', (_name, overflow, type) => {
    const h = new EngineHarness().configure({ queues: [queue('a', { maxWaitMs: 60_000, overflow }), queue('b')], operators: [] });
    h.enqueue('c1', 'a');
    expect(h.advance(59_999)).toEqual([]);
    expect(h.advance(1)[0]?.type).toBe(type);
  });

  it('a call ringing at its maximum wait is not pulled away; it overflows if it comes back late', () => {
    const h = new EngineHarness().configure({ queues: [queue('a', { maxWaitMs: 10_000, ringTimeoutMs: 30_000, overflow: { queue: 'b' } }), queue('b')], operators: [operator('op', ['a'])] });
    h.login('op');
    h.enqueue('c1', 'a');
    expect(h.advance(10_000)).toEqual([]);
    h.noAnswer('c1');
    expect(ofType(h.advance(0), 'call-overflowed')).toHaveLength(1);
  });
});

describe('abandon and hang-up', () => {
  it('abandon while waiting, while ringing (the operator gets the next call), refused once answered', () => {
    const h = new EngineHarness().configure({ queues: [queue('q')], operators: [operator('a', ['q'])] });
    h.enqueue('c0', 'q');
    h.exec({ kind: 'abandon', callId: 'c0' });
    h.login('a');
    h.enqueue('c1', 'q');
    h.enqueue('c2', 'q');
    h.now += 7000;
    const events = h.exec({ kind: 'abandon', callId: 'c1' });
    expect(ofType(events, 'call-abandoned')[0]).toMatchObject({ callId: 'c1', waitedMs: 7000 });
    expect(offers(events)).toEqual(['c2→a']);
    h.answer('c2');
    expect(code(() => h.exec({ kind: 'abandon', callId: 'c2' }))).toBe('ERR_ILLEGAL_TRANSITION');
    expect(ofType(h.hangup('c2'), 'call-completed')).toHaveLength(1);
    expect(code(() => h.hangup('c2'))).toBe('ERR_UNKNOWN_CALL');
  });

  it('rejects a duplicate call and an unknown queue', () => {
    const h = new EngineHarness().configure({ queues: [queue('q')], operators: [] });
    h.enqueue('c1', 'q');
    expect(code(() => h.enqueue('c1', 'q'))).toBe('ERR_DUPLICATE_CALL');
    expect(code(() => h.enqueue('c2', 'nope'))).toBe('ERR_UNKNOWN_QUEUE');
  });
});

describe('ring-all', () => {
  it('rings everyone; the first to answer wins, the others are released and ring for the next call', () => {
    const h = new EngineHarness().configure({ queues: [queue('q', { strategy: 'ring-all' })], operators: ['a', 'b', 'c'].map((id) => operator(id, ['q'])) });
    h.login('a', 'b', 'c');
    expect(offers(h.enqueue('c1', 'q'))).toEqual(['c1→a+b+c']);
    h.enqueue('c2', 'q');
    const events = h.answer('c1', 'b');
    expect(ofType(events, 'offer-withdrawn').map((e) => `${e.operatorId}:${e.reason}`)).toEqual(['a:answered-elsewhere', 'c:answered-elsewhere']);
    expect(offers(events)).toEqual(['c2→a+c']); // everyone free rings again, not only the first released
    expect(h.op('b').state).toBe('on-call');
  });
});

describe('logout', () => {
  it('plain logout is refused during an offer or a call; forced logout cleans up', () => {
    const h = new EngineHarness().configure({ queues: [queue('q')], operators: [operator('a', ['q']), operator('b', ['q'])] });
    h.login('a');
    h.enqueue('c1', 'q');
    expect(code(() => h.exec({ kind: 'logout', operatorId: 'a' }))).toBe('ERR_ILLEGAL_TRANSITION');
    h.login('b');
    const forced = h.exec({ kind: 'logout', operatorId: 'a', force: true });
    expect(ofType(forced, 'offer-withdrawn')[0]?.reason).toBe('operator-logout');
    expect(offers(forced)).toEqual(['c1→b']);
    expect(h.op('a').state).toBe('offline');
    h.answer('c1');
    const ended = h.exec({ kind: 'logout', operatorId: 'b', force: true });
    expect(ofType(ended, 'call-completed')[0]).toMatchObject({ callId: 'c1', forced: true });
    expect(h.op('b').state).toBe('offline');
    expect(h.call('c1')).toBeUndefined();
  });
});

describe('configuration changes', () => {
  it('moves an operator between queues while calls wait', () => {
    const h = new EngineHarness().configure({ queues: [queue('a'), queue('b')], operators: [operator('op', ['a'])] });
    h.enqueue('c1', 'b');
    h.login('op');
    expect(h.op('op').state).toBe('available');
    h.configure({ operators: [operator('op', ['b'])] });
    expect(h.engine.view().queues.find((q) => q.config.id === 'a')?.members).toEqual({});
    expect(offers(h.exec({ kind: 'pause', operatorId: 'op', reason: 'x' }).concat(h.exec({ kind: 'set-available', operatorId: 'op' })))).toEqual(['c1→op']);
  });

  it('rejects a change that would create an overflow loop with existing queues', () => {
    const h = new EngineHarness().configure({ queues: [queue('a', { overflow: { queue: 'b' } }), queue('b')], operators: [] });
    expect(code(() => h.configure({ queues: [queue('b', { overflow: { queue: 'a' } })] }))).toBe('ERR_INVALID_CONFIG');
  });
});
