/**
 * The pure mixing step of a conference: every participant hears the sum of all the others.
 * No I/O, no allocation per call (give it a scratch buffer), so it is table-testable.
 */

/** Full scale of 16-bit audio. */
export const FULL_SCALE = 32767;
/** Above this magnitude the limiter starts to compress (0.75 of full scale). */
export const LIMITER_KNEE = 24576;

const HEADROOM = FULL_SCALE - LIMITER_KNEE;

/**
 * Soft limiter: identity up to the knee, then a tanh curve that approaches full scale without
 * reaching past it, so loud overlapping talkers are squeezed instead of hard-clipped. Monotonic,
 * odd (limit(-x) = -limit(x)), and always within [-32767, 32767].
 */
export function softLimit(x: number): number {
  const m = x < 0 ? -x : x;
  if (m <= LIMITER_KNEE) return x;
  const y = Math.round(LIMITER_KNEE + HEADROOM * Math.tanh((m - LIMITER_KNEE) / HEADROOM));
  return x < 0 ? -y : y;
}

/**
 * Mixes one frame. `inputs[i]` is participant i's decoded frame, or undefined for silence
 * (no packet this tick); `outputs[i]` receives the limited sum of every input except its own.
 * All frames have the same length. `scratch` (at least that long) avoids an allocation per tick.
 */
export function mixOthers(
  inputs: readonly (Int16Array | undefined)[], outputs: readonly Int16Array[], scratch?: Int32Array,
): void {
  if (outputs.length !== inputs.length) throw new RangeError(`${inputs.length} inputs but ${outputs.length} outputs`);
  if (outputs.length === 0) return;
  const n = outputs[0].length;
  const total = scratch && scratch.length >= n ? scratch : new Int32Array(n);
  total.fill(0, 0, n);
  for (const frame of inputs) {
    if (!frame) continue;
    if (frame.length !== n) throw new RangeError(`frame of ${frame.length} samples, expected ${n}`);
    for (let s = 0; s < n; s++) total[s] += frame[s];
  }
  for (let i = 0; i < outputs.length; i++) {
    const out = outputs[i];
    const own = inputs[i];
    for (let s = 0; s < n; s++) {
      const v = own ? total[s] - own[s] : total[s];
      out[s] = v > LIMITER_KNEE || v < -LIMITER_KNEE ? softLimit(v) : v;
    }
  }
}
