import { LIMITER_KNEE, mixOthers, softLimit } from './mix';

const frame = (...values: number[]): Int16Array => Int16Array.from(values);
const run = (inputs: (number[] | undefined)[], len = inputs.find((v) => v)?.length ?? 2): number[][] => {
  const ins = inputs.map((v) => (v ? frame(...v) : undefined));
  const outs = inputs.map(() => new Int16Array(len));
  mixOthers(ins, outs, new Int32Array(len));
  return outs.map((o) => [...o]);
};

describe('mixOthers', () => {
  it.each<[string, (number[] | undefined)[], number[][]]>([
    ['a single participant hears silence', [[100, -100]], [[0, 0]]],
    ['two participants hear each other, not themselves', [[100, 200], [-5, 7]], [[-5, 7], [100, 200]]],
    ['three: each hears the sum of the other two', [[1, 2], [10, 20], [100, 200]], [[110, 220], [101, 202], [11, 22]]],
    ['a missing frame is silence', [[1, 2], undefined, [100, 200]], [[100, 200], [101, 202], [1, 2]]],
    ['everyone silent', [undefined, undefined, undefined], [[0, 0], [0, 0], [0, 0]]],
    ['opposite signals cancel for the third party', [[1000, -1000], [-1000, 1000], [0, 0]], [[-1000, 1000], [1000, -1000], [0, 0]]],
    ['sums below the knee pass unchanged', [[12000, -12000], [12000, -12000], [0, 0]], [[12000, -12000], [12000, -12000], [24000, -24000]]],
  ])('%s', (_name, inputs, expected) => {
    expect(run(inputs)).toEqual(expected);
  });

  it('limits loud sums within 16 bits, symmetrically, keeping their order', () => {
    const loud = [[20000, -20000], [20000, -20000], [20000, -20000], [5000, -5000]];
    const [a, b, c, d] = run(loud);
    for (const out of [a, b, c, d]) {
      expect(out[0]).toBeGreaterThan(LIMITER_KNEE);
      expect(out[0]).toBeLessThanOrEqual(32767);
      expect(out[1]).toBeGreaterThanOrEqual(-32767);
    }
    expect(a[0]).toBe(b[0]); // same inputs heard
    expect(d[0]).toBeGreaterThan(a[0]); // d hears three loud talkers, a hears two and a quieter one
    expect(a[1]).toBe(-a[0]);
    expect(run([[32767], [32767], [32767], [32767], [32767]])[0][0]).toBeLessThanOrEqual(32767);
  });

  it('rejects frames of the wrong length and mismatched outputs', () => {
    expect(() => mixOthers([frame(1, 2), frame(1)], [new Int16Array(2), new Int16Array(2)])).toThrow(RangeError);
    expect(() => mixOthers([frame(1, 2)], [])).toThrow(RangeError);
  });

  it('does no work for an empty conference', () => {
    expect(() => mixOthers([], [])).not.toThrow();
  });
});

describe('softLimit', () => {
  it.each([0, 1, -1, 1000, -24576, LIMITER_KNEE])('is the identity up to the knee (%d)', (x) => {
    expect(softLimit(x)).toBe(x);
  });

  it('is monotonic, odd and bounded by full scale above the knee', () => {
    let previous = softLimit(LIMITER_KNEE);
    for (let x = LIMITER_KNEE + 1; x <= 6 * 32768; x += 97) {
      const y = softLimit(x);
      expect(y).toBeGreaterThanOrEqual(previous);
      expect(y).toBeLessThanOrEqual(32767);
      expect(softLimit(-x)).toBe(-y);
      previous = y;
    }
    expect(softLimit(65534)).toBeGreaterThan(32000); // two full-scale talkers stay loud
  });
});

describe('mixOthers (properties)', () => {
  const fc = require('fast-check') as typeof import('fast-check');
  const sample = fc.integer({ min: -32768, max: 32767 });
  const frameOf = (n: number) => fc.option(fc.array(sample, { minLength: n, maxLength: n }), { nil: undefined });

  it('each output is the limited sum of the other inputs, within 16 bits', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }).chain((parties) => fc.array(frameOf(4), { minLength: parties, maxLength: parties })), (inputs) => {
      const outs = run(inputs, 4);
      inputs.forEach((_, i) => {
        for (let s = 0; s < 4; s++) {
          const others = inputs.reduce((sum, f, j) => (j === i || !f ? sum : sum + f[s]), 0);
          expect(outs[i][s]).toBe(softLimit(others) + 0); // + 0: no -0
          expect(Math.abs(outs[i][s])).toBeLessThanOrEqual(32767);
        }
      });
    }), { numRuns: 300 });
  });
});
