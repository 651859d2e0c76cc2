import { EngineHarness, operator, queue } from './testing/harness';
import { buildSnapshot, expectedWaitMs, waitingCallView } from './views';

describe('queue views', () => {
  it.each<[number, number, number, number | null]>([
    [1, 2, 120_000, 60_000],
    [3, 2, 120_000, 180_000],
    [1, 0, 120_000, null],
  ])('expected wait at position %i with %i staffed and AHT %i ms is %s', (position, staffed, aht, expected) => {
    expect(expectedWaitMs(position, staffed, aht)).toBe(expected);
  });

  it('shows positions, waits, requirements and member states; learns the handle time', () => {
    const h = new EngineHarness().configure({
      queues: [queue('q', { defaultHandleMs: 100_000, skills: [{ name: 'de', level: 5 }], relaxation: [{ afterMs: 60_000, drop: 1 }] })],
      operators: [operator('a', ['q'], { de: 9 }), operator('b', ['q'])],
    });
    h.login('a');
    h.exec({ kind: 'login', operatorId: 'b', pausedReason: 'training' });
    h.enqueue('c1', 'q');
    h.now += 1000;
    h.enqueue('c2', 'q', { priority: 2 });
    h.now += 60_000;
    const view = h.engine.view();
    const snap = buildSnapshot(view, h.now);
    expect(snap.queues[0]).toMatchObject({
      id: 'q',
      offered: 1,
      operators: { reserved: 1, paused: 1 },
      longestWaitMs: 60_000,
      ahtMs: 100_000,
      waiting: [{ callId: 'c2', position: 1, waitedMs: 60_000, expectedWaitMs: 100_000, requirements: { de: 4 } }],
    });
    expect(snap.operators.find((o) => o.id === 'b')).toMatchObject({ state: 'paused', reason: 'training' });
    expect(waitingCallView(view, 'c1', h.now)).toBeNull();
    h.answer('c1');
    h.now += 50_000;
    h.hangup('c1');
    expect(buildSnapshot(h.engine.view(), h.now).queues[0]?.ahtMs).toBe(50_000);
  });
});
