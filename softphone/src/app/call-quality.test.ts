import { assessQuality, degraded, mosFromR, sampleBetween, totalsOf } from './call-quality';

describe('assessQuality (E-model)', () => {
  it.each([
    ['a LAN call', { rttMs: 2, jitterMs: 1, lossPercent: 0 }, 'good'],
    ['a home line with some jitter', { rttMs: 80, jitterMs: 10, lossPercent: 0.5 }, 'good'],
    ['5 % loss', { rttMs: 60, jitterMs: 10, lossPercent: 5 }, 'fair'],
    ['a satellite-like delay', { rttMs: 700, jitterMs: 20, lossPercent: 0 }, 'poor'],
    ['10 % loss', { rttMs: 60, jitterMs: 10, lossPercent: 10 }, 'poor'],
  ] as const)('%s is %s', (_name, sample, level) => {
    const a = assessQuality(sample);
    expect(a.level).toBe(level);
    expect(a.mos).toBeGreaterThanOrEqual(1);
    expect(a.mos).toBeLessThanOrEqual(4.5);
  });

  it('MOS falls as loss grows', () => {
    const mos = [0, 1, 3, 10, 30].map((lossPercent) => assessQuality({ rttMs: 50, jitterMs: 5, lossPercent }).mos);
    expect([...mos].sort((a, b) => b - a)).toEqual(mos);
    expect(mosFromR(93.2)).toBeCloseTo(4.41, 2);
  });
});

describe('stats', () => {
  const report = (received: number, lost: number, jitter: number, rtt?: number) => new Map<string, unknown>([
    ['in', { type: 'inbound-rtp', kind: 'audio', packetsReceived: received, packetsLost: lost, jitter }],
    ['out', { type: 'outbound-rtp', kind: 'audio', packetsSent: 999 }],
    ...(rtt !== undefined ? [['pair', { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: rtt }] as [string, unknown]] : []),
    ['remote', { type: 'remote-inbound-rtp', roundTripTime: 0.5 }],
  ]);

  it('takes the interval between two polls, the ICE round trip before RTCP', () => {
    const a = totalsOf(report(100, 0, 0.002, 0.03));
    const b = totalsOf(report(190, 10, 0.004, 0.04));
    expect(sampleBetween(a, b)).toEqual({ rttMs: 40, jitterMs: 4, lossPercent: 10 });
    expect(totalsOf(report(1, 0, 0)).rtt).toBe(0.5);
  });

  it('has no sample before audio arrives', () => {
    expect(sampleBetween(undefined, totalsOf(new Map()))).toBeUndefined();
    const a = totalsOf(report(100, 0, 0.002));
    expect(sampleBetween(a, a)).toBeUndefined();
  });

  it('warns on a drop only', () => {
    expect(degraded(undefined, 'poor')).toBe(false);
    expect(degraded('good', 'fair')).toBe(true);
    expect(degraded('fair', 'poor')).toBe(true);
    expect(degraded('poor', 'fair')).toBe(false);
    expect(degraded('good', 'good')).toBe(false);
  });
});
