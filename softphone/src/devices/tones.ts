/** Sounds made in code, so the page ships no audio files. Pure sample generators. */

export interface ToneSegment {
  /** Frequencies mixed in this segment; empty for silence. */
  frequencies: readonly number[];
  seconds: number;
}

/** The UK double ring (400 + 450 Hz, 0.4 s on, 0.2 s off, 0.4 s on, 2 s off): one 3-second cycle. */
export const RING_CADENCE: readonly ToneSegment[] = [
  { frequencies: [400, 450], seconds: 0.4 },
  { frequencies: [], seconds: 0.2 },
  { frequencies: [400, 450], seconds: 0.4 },
  { frequencies: [], seconds: 2 },
];

/** The missed-call chime: a falling pair, 880 Hz then 660 Hz, 0.15 s each — short and unlike the ring. */
export const MISSED_CALL_CHIME: readonly ToneSegment[] = [
  { frequencies: [880], seconds: 0.15 },
  { frequencies: [], seconds: 0.05 },
  { frequencies: [660], seconds: 0.15 },
];

/**
 * Renders segments into samples at `sampleRate`, peak amplitude `amplitude` (0..1), with short
 * fades at every edge so nothing clicks.
 */
export function renderSegments(segments: readonly ToneSegment[], sampleRate: number, amplitude = 0.3): Float32Array {
  const lengths = segments.map((s) => Math.round(s.seconds * sampleRate));
  const out = new Float32Array(lengths.reduce((a, b) => a + b, 0));
  const fade = Math.max(1, Math.round(0.01 * sampleRate));
  let offset = 0;
  segments.forEach((segment, k) => {
    const n = lengths[k];
    const freqs = segment.frequencies;
    if (freqs.length > 0) {
      const gain = amplitude / freqs.length;
      for (let i = 0; i < n; i++) {
        const t = i / sampleRate;
        const edge = Math.min(1, i / fade, (n - 1 - i) / fade);
        let v = 0;
        for (const f of freqs) v += Math.sin(2 * Math.PI * f * t);
        out[offset + i] = v * gain * edge;
      }
    }
    offset += n;
  });
  return out;
}

/** A short test tone: `frequency` Hz for `seconds`. */
export function testTone(sampleRate: number, frequency = 440, seconds = 1, amplitude = 0.3): Float32Array {
  return renderSegments([{ frequencies: [frequency], seconds }], sampleRate, amplitude);
}
