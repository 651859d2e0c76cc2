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
