/** Tone detection with the Goertzel algorithm: how much of a signal's energy sits at one frequency. */

/** |X(f)|² of the samples at frequency f (Goertzel recurrence, no windowing). */
export function goertzelPower(samples: ArrayLike<number>, sampleRate: number, frequency: number): number {
  const w = (2 * Math.PI * frequency) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = samples[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

/**
 * Fraction (0..1) of the signal's energy at `frequency`: 1 for a pure tone of that frequency,
 * near 0 for silence, noise or another tone. Uses blocks of `blockSize` samples and averages.
 */
export function toneRatio(samples: ArrayLike<number>, sampleRate: number, frequency: number, blockSize = 800): number {
  let tone = 0;
  let total = 0;
  const n = Math.min(blockSize, samples.length);
  if (n === 0) return 0;
  for (let start = 0; start + n <= samples.length; start += n) {
    const block = Array.prototype.slice.call(samples, start, start + n) as number[];
    const energy = block.reduce((sum, x) => sum + x * x, 0);
    tone += (2 * goertzelPower(block, sampleRate, frequency)) / n;
    total += energy;
  }
  return total === 0 ? 0 : Math.min(1, tone / total);
}

/** Root-mean-square level of the samples (16-bit scale). */
export function rms(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return Math.sqrt(sum / samples.length);
}

export interface ToneDetection {
  detected: boolean;
  ratio: number;
  rms: number;
}

/** A tone is there when it holds at least `minRatio` of the energy and the level is above `minRms`. */
export function detectTone(
  samples: ArrayLike<number>, sampleRate: number, frequency: number, opts: { minRatio?: number; minRms?: number } = {},
): ToneDetection {
  const ratio = toneRatio(samples, sampleRate, frequency);
  const level = rms(samples);
  return { detected: ratio >= (opts.minRatio ?? 0.5) && level >= (opts.minRms ?? 100), ratio, rms: level };
}
