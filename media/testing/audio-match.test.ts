import { matchAudio, matchFraction } from './audio-match';
import { g711Decode, g711Encode } from './g711';
import { sine } from './wav';

describe('matchAudio', () => {
  const reference = Int16Array.from({ length: 4000 }, (_, i) => Math.round(8000 * Math.sin(i / 7) * Math.sin(i / 113)));

  it('finds a G.711-coded, quieter copy of part of the reference at its offset', () => {
    const snippet = g711Decode('PCMU', g711Encode('PCMU', reference.subarray(1234, 1634).map((x) => x / 2)));
    const m = matchAudio(snippet, reference);
    expect(m.offset).toBe(1234);
    expect(m.correlation).toBeGreaterThan(0.98);
  });

  it('does not match unrelated audio', () => {
    expect(matchAudio(sine({ frequency: 1000, sampleRate: 8000, seconds: 0.05 }), reference).correlation).toBeLessThan(0.5);
  });

  it('returns no match for silence', () => {
    expect(matchAudio(new Int16Array(100), reference)).toEqual({ correlation: 0, offset: -1 });
  });
});

describe('matchFraction', () => {
  const reference = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin(i / 7) * Math.sin(i / 113)));

  it('finds every snippet of a copy and tolerates a dropped packet', () => {
    const copy = reference.slice(500, 6500);
    expect(matchFraction(copy, reference)).toBe(1);
    const withGap = Int16Array.from([...copy.subarray(0, 2500), ...copy.subarray(2660)]);
    expect(matchFraction(withGap, reference)).toBeGreaterThanOrEqual(5 / 6);
  });

  it('finds nothing in silence or another signal', () => {
    expect(matchFraction(new Int16Array(6000), reference)).toBe(0);
    expect(matchFraction(sine({ frequency: 1000, sampleRate: 8000, seconds: 1 }), reference)).toBe(0);
  });
});
