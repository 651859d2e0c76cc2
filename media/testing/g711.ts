/** G.711 μ-law (PCMU) and A-law (PCMA) codecs for 16-bit linear PCM, as ITU-T G.711 defines them. */

const BIAS = 0x84;
const CLIP = 32635;

export function linearToMuLaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

export function muLawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

export function linearToALaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s >= 0 ? 0x80 : 0;
  if (!sign) s = -s - 1;
  if (s > 32767) s = 32767;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = exponent === 0 ? (s >> 4) & 0x0f : (s >> (exponent + 3)) & 0x0f;
  return (sign | (exponent << 4) | mantissa) ^ 0x55;
}

export function aLawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  const magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

export type G711Codec = 'PCMU' | 'PCMA';

const decodeTables: Record<G711Codec, Int16Array> = {
  PCMU: Int16Array.from({ length: 256 }, (_, b) => muLawToLinear(b)),
  PCMA: Int16Array.from({ length: 256 }, (_, b) => aLawToLinear(b)),
};

export function g711Encode(codec: G711Codec, samples: ArrayLike<number>): Buffer {
  const out = Buffer.alloc(samples.length);
  const enc = codec === 'PCMU' ? linearToMuLaw : linearToALaw;
  for (let i = 0; i < samples.length; i++) out[i] = enc(samples[i]);
  return out;
}

export function g711Decode(codec: G711Codec, payload: Uint8Array): Int16Array {
  const table = decodeTables[codec];
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = table[payload[i]];
  return out;
}

/** The payload types RFC 3551 gives G.711. */
export const G711_PAYLOAD_TYPE: Record<G711Codec, number> = { PCMU: 0, PCMA: 8 };
