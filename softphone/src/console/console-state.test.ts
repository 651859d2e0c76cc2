import { ConsoleState, longestWaitMs } from './console-state';

const t0 = Date.UTC(2025, 0, 15, 9);
const iso = (ms: number) => new Date(ms).toISOString();
const queue = (id: string, waiting: Array<{ callId: string; since: number }> = []) => ({
  id, waiting: waiting.map((w, i) => ({ ...w, since: iso(w.since), priority: 0, position: i + 1 })), ringing: 0, onCall: 0, operators: {},
  serviceLevelSeconds: 20, serviceLevelTarget: 0.8, today: { offered: 0, answered: 0, abandoned: 0, serviceLevel: null },
});

describe('ConsoleState', () => {
  it('takes a snapshot, then applies changed and removed rows', () => {
    const s = new ConsoleState();
    s.update({ queues: [queue('ignored')] }); // before any snapshot: ignored
    expect(s.queues.size).toBe(0);
    s.snapshot({ queues: [queue('support'), queue('sales')], operators: [{ id: 'bob', name: 'Bob', state: 'paused', reason: 'login', since: iso(t0), queues: ['support'] }], calls: [] });
    expect(s.sortedQueues().map((q) => q.id)).toEqual(['sales', 'support']);
    s.update({ queues: [queue('support', [{ callId: 'c1', since: t0 }])], calls: [{ callId: 'x', queue: 'support', caller: '+49', state: 'queued', since: iso(t0) }], removedQueues: ['sales'] });
    expect(s.sortedQueues().map((q) => [q.id, q.waiting.length])).toEqual([['support', 1]]);
    expect(longestWaitMs(s.queues.get('support')!, t0 + 12_000)).toBe(12_000);
    s.update({ operators: [{ id: 'bob', name: 'Bob', state: 'on-call', since: iso(t0 + 5), queues: ['support'], call: { callId: 'x', caller: '+49', queue: 'support', state: 'connected', since: iso(t0 + 5) } }], removedCalls: [] });
    expect(s.operators.get('bob')).toMatchObject({ state: 'on-call', call: { callId: 'x', since: t0 + 5 } });
    expect(s.operators.get('bob')?.reason).toBeUndefined();
  });

  it('after a disconnect ignores updates until the next snapshot replaces everything', () => {
    const s = new ConsoleState();
    s.snapshot({ queues: [queue('support')], operators: [], calls: [{ callId: 'gone', queue: 'support', caller: '1', state: 'queued', since: iso(t0) }] });
    s.disconnected();
    s.update({ queues: [queue('stale')] });
    expect(s.queues.has('stale')).toBe(false);
    s.snapshot({ queues: [queue('support')], operators: [], calls: [] });
    expect(s.calls.size).toBe(0);
  });
});
