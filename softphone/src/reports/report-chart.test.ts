import { tickLabel } from './report-chart';

describe('chart ticks', () => {
  const nine = Date.parse('2026-03-02T08:00:00Z') / 1000; // 09:00 in Berlin
  const midnight = Date.parse('2026-03-01T23:00:00Z') / 1000;
  it.each([
    [nine, false, '09:00'],
    [midnight, false, '03-02'],
    [nine, true, '03-02'],
  ])('%p (daily %p) reads %s in the centre\'s zone', (t, daily, label) => {
    expect(tickLabel(t, 'Europe/Berlin', daily)).toBe(label);
  });
});
