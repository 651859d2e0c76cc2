import { aLawToLinear, linearToALaw, linearToMuLaw, muLawToLinear, type G711Codec } from '../testing/g711';

/** Payload types RFC 3551 gives G.711, and back. */
export const G711_PT: Readonly<Record<G711Codec, number>> = { PCMU: 0, PCMA: 8 };
export const codecOfPayloadType = (pt: number): G711Codec | undefined => (pt === 0 ? 'PCMU' : pt === 8 ? 'PCMA' : undefined);

/**
 * Table-driven G.711: one 256-entry table per law to decode, one 64 Ki-entry table per law to
 * encode (indexed by sample + 32768), built once on first use from the reference codec.
 */
const decodeTables = new Map<G711Codec, Int16Array>();
const encodeTables = new Map<G711Codec, Uint8Array>();

function decodeTable(codec: G711Codec): Int16Array {
  let t = decodeTables.get(codec);
  if (!t) {
    const dec = codec === 'PCMU' ? muLawToLinear : aLawToLinear;
    t = Int16Array.from({ length: 256 }, (_, b) => dec(b));
    decodeTables.set(codec, t);
  }
  return t;
}

function encodeTable(codec: G711Codec): Uint8Array {
  let t = encodeTables.get(codec);
  if (!t) {
    const enc = codec === 'PCMU' ? linearToMuLaw : linearToALaw;
    t = new Uint8Array(65536);
    for (let i = 0; i < 65536; i++) t[i] = enc(i - 32768);
    encodeTables.set(codec, t);
  }
  return t;
}

/** Decodes `payload` into `out` (as many samples as both hold); returns the count written. */
export function decodeInto(codec: G711Codec, payload: Uint8Array, out: Int16Array): number {
  const table = decodeTable(codec);
  const n = Math.min(payload.length, out.length);
  for (let i = 0; i < n; i++) out[i] = table[payload[i]];
  return n;
}

/** Encodes 16-bit samples into `out` starting at `offset`. */
export function encodeInto(codec: G711Codec, samples: Int16Array, out: Uint8Array, offset = 0): void {
  const table = encodeTable(codec);
  for (let i = 0; i < samples.length; i++) out[offset + i] = table[samples[i] + 32768];
}
