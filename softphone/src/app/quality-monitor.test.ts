import type { QualityView } from '../ui/quality-view';
import type { QualityAssessment } from './call-quality';
import { QualityMonitor } from './quality-monitor';

/** A view that records what it was told (the real one writes the DOM). */
class FakeQualityView implements Pick<QualityView, 'measuring' | 'show' | 'hide'> {
  shown: QualityAssessment[] = [];
  state: 'hidden' | 'measuring' | 'shown' = 'hidden';
  measuring(): void {
    this.state = 'measuring';
  }
  show(q: QualityAssessment): void {
    this.shown.push(q);
    this.state = 'shown';
  }
  hide(): void {
    this.state = 'hidden';
  }
}

/** A peer connection whose statistics advance by the given interval figures on every read. */
function fakePeer(intervals: Array<{ received: number; lost: number; jitter: number; rtt: number }>) {
  let received = 0;
  let lost = 0;
  let i = 0;
  return {
    getStats: async () => {
      const step = intervals[Math.min(i++, intervals.length - 1)]!;
      received += step.received;
      lost += step.lost;
      return new Map<string, unknown>([
        ['in', { type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost, jitter: step.jitter }],
        ['pair', { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: step.rtt }],
      ]) as unknown as RTCStatsReport;
    },
  };
}

describe('QualityMonitor', () => {
  it('shows each interval and warns once per drop', async () => {
    const view = new FakeQualityView();
    const warnings: string[] = [];
    const monitor = new QualityMonitor({ view: view as unknown as QualityView, warn: (t) => warnings.push(t), pollMs: 60_000 });
    const good = { received: 100, lost: 0, jitter: 0.002, rtt: 0.02 };
    const poor = { received: 80, lost: 20, jitter: 0.03, rtt: 0.3 };
    monitor.start(fakePeer([good, good, poor, poor, good, poor]));
    expect(view.state).toBe('measuring');
    for (let i = 0; i < 6; i++) await monitor.poll();
    // the first read counts from the start of the call
    expect(view.shown.map((q) => q.level)).toEqual(['good', 'good', 'poor', 'poor', 'good', 'poor']);
    expect(warnings).toEqual([
      'Call quality dropped to poor: the caller may hear you badly. Check your network (Wi-Fi, VPN).',
      'Call quality dropped to poor: the caller may hear you badly. Check your network (Wi-Fi, VPN).',
    ]);
    expect(monitor.last?.lossPercent).toBe(20);
    monitor.stop();
    expect(view.state).toBe('hidden');
    await monitor.poll(); // stopped: nothing read
    expect(view.shown).toHaveLength(6);
  });

  it('does nothing without a peer connection', async () => {
    const view = new FakeQualityView();
    const monitor = new QualityMonitor({ view: view as unknown as QualityView, warn: () => undefined });
    monitor.start(undefined);
    await monitor.poll();
    expect(view.state).toBe('hidden');
  });
});
