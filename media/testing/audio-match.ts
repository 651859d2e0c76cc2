/** Finds where a received snippet sits in a reference signal, by normalised cross-correlation. */

export interface AudioMatch {
  /** Best normalised correlation, -1..1 (1: the snippet is a scaled copy of the reference there). */
  correlation: number;
  /** Offset in the reference, in samples, of the best match. */
  offset: number;
}

/** Slides `snippet` over `reference` (step `step` samples) and returns the best match. Bounded: O(len(ref)/step · len(snippet)). */
export function matchAudio(snippet: ArrayLike<number>, reference: ArrayLike<number>, step = 1): AudioMatch {
  const n = snippet.length;
  let snippetEnergy = 0;
  for (let i = 0; i < n; i++) snippetEnergy += snippet[i] * snippet[i];
  let best: AudioMatch = { correlation: 0, offset: -1 };
  if (n === 0 || snippetEnergy === 0 || reference.length < n) return best;
  for (let offset = 0; offset + n <= reference.length; offset += step) {
    let dot = 0;
    let refEnergy = 0;
    for (let i = 0; i < n; i++) {
      const r = reference[offset + i];
      dot += snippet[i] * r;
      refEnergy += r * r;
    }
    if (refEnergy === 0) continue;
    const c = dot / Math.sqrt(snippetEnergy * refEnergy);
    if (c > best.correlation) best = { correlation: c, offset };
  }
  return best;
}

export interface MatchFractionOptions {
  /** Snippet length in samples (default 1000: 125 ms at 8 kHz). */
  snippet?: number;
  /** Snippets taken, evenly spread over `received` (default 6). */
  count?: number;
  /** Correlation a snippet needs to count as found (default 0.8). */
  minCorrelation?: number;
  /** Snippets quieter than this RMS are not counted as found (default 100). */
  minRms?: number;
}

/**
 * The fraction (0..1) of snippets of `received` that are found in `reference`. Robust to a lost
 * packet or a glitch here and there, which would spoil a single long comparison.
 */
export function matchFraction(received: ArrayLike<number>, reference: ArrayLike<number>, o: MatchFractionOptions = {}): number {
  const snippet = o.snippet ?? 1000;
  const count = o.count ?? 6;
  if (received.length < snippet) return 0;
  const stride = count > 1 ? Math.floor((received.length - snippet) / (count - 1)) : 0;
  let found = 0;
  for (let k = 0; k < count; k++) {
    const part = Array.prototype.slice.call(received, k * stride, k * stride + snippet) as number[];
    const level = Math.sqrt(part.reduce((s, x) => s + x * x, 0) / part.length);
    if (level >= (o.minRms ?? 100) && matchAudio(part, reference).correlation >= (o.minCorrelation ?? 0.8)) found++;
  }
  return found / count;
}
