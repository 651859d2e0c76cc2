/**
 * A tiny deterministic generator for the `random` strategy. Its arithmetic stays exact in
 * doubles, so the Lua scripts of the Redis adapter produce the same sequence from the same seed.
 */
export const PRNG_MODULUS = 233_280;

export class Prng {
  constructor(private state: number) {
    if (!Number.isInteger(state) || state < 0 || state >= PRNG_MODULUS) throw new RangeError(`seed out of range: ${state}`);
  }

  get seed(): number {
    return this.state;
  }

  /** The next value in [0, 1). */
  next(): number {
    this.state = (this.state * 9301 + 49297) % PRNG_MODULUS;
    return this.state / PRNG_MODULUS;
  }
}

/** A seed from a uniform random number in [0, 1). */
export function seedFrom(random: number): number {
  return Math.min(PRNG_MODULUS - 1, Math.max(0, Math.floor(random * PRNG_MODULUS)));
}
