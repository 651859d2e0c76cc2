import { levelOf } from './level-meter';
import { MISSED_CALL_CHIME, renderSegments, RING_CADENCE, testTone } from './tones';

/** Energy at `f` Hz (one Goertzel bin) relative to the block's total energy. */
function share(samples: Float32Array, rate: number, f: number): number {
  const k = 2 * Math.cos((2 * Math.PI * f) / rate);
  let s1 = 0;
  let s2 = 0;
  let total = 0;
  for (const x of samples) {
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += x * x;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return power / (total * samples.length / 2);
}

describe('generated sounds', () => {
  const rate = 8000;

  it('the ring cycle is 3 s: two 0.4 s bursts of 400+450 Hz, silence between and after', () => {
    const ring = renderSegments(RING_CADENCE, rate);
    expect(ring.length).toBe(3 * rate);
    const burst = ring.subarray(0.05 * rate, 0.35 * rate);
    expect(share(burst, rate, 400)).toBeGreaterThan(0.4);
    expect(share(burst, rate, 450)).toBeGreaterThan(0.4);
    expect(share(burst, rate, 1000)).toBeLessThan(0.01);
    expect(Math.max(...ring.subarray(0.42 * rate, 0.58 * rate).map(Math.abs))).toBe(0);
    expect(levelOf(ring.subarray(0.65 * rate, 0.95 * rate))).toBeGreaterThan(0.5);
    expect(levelOf(ring.subarray(1.1 * rate, 3 * rate))).toBe(0);
  });

  it('never clips and starts and ends silent (no clicks)', () => {
    const ring = renderSegments(RING_CADENCE, rate);
    expect(Math.max(...ring.map(Math.abs))).toBeLessThanOrEqual(0.3 + 1e-6);
    expect(ring[0]).toBe(0);
    expect(Math.abs(ring[0.4 * rate - 1])).toBeLessThan(0.001);
  });

  it('the missed-call chime is short: 880 Hz, a gap, then 660 Hz', () => {
    const chime = renderSegments(MISSED_CALL_CHIME, rate);
    expect(chime.length / rate).toBeCloseTo(0.35, 5);
    const part = (from: number, to: number) => chime.subarray(Math.round(from * rate), Math.round(to * rate));
    expect(share(part(0.01, 0.14), rate, 880)).toBeGreaterThan(0.9);
    expect(share(part(0.21, 0.34), rate, 660)).toBeGreaterThan(0.9);
    expect(Math.max(...part(0.155, 0.195).map(Math.abs))).toBe(0);
  });

  it('the test tone is 1 s of 440 Hz', () => {
    const tone = testTone(rate);
    expect(tone.length).toBe(rate);
    expect(share(tone.subarray(100, 7900), rate, 440)).toBeGreaterThan(0.9);
  });
});

describe('levelOf', () => {
  it.each([
    ['silence', new Float32Array(512), 0],
    ['empty', new Float32Array(0), 0],
    ['full scale square', new Float32Array(512).fill(1), 1],
    ['-30 dBFS', new Float32Array(512).fill(10 ** (-30 / 20)), 0.5],
    ['below -60 dBFS', new Float32Array(512).fill(0.0001), 0],
  ])('%s', (_name, samples, expected) => {
    expect(levelOf(samples)).toBeCloseTo(expected, 5);
  });
});
