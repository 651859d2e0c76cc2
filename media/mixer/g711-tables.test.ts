import { aLawToLinear, linearToALaw, linearToMuLaw, muLawToLinear } from '../testing/g711';
import { codecOfPayloadType, decodeInto, encodeInto } from './g711-tables';

describe('table-driven G.711', () => {
  it.each([
    ['PCMU', muLawToLinear, linearToMuLaw],
    ['PCMA', aLawToLinear, linearToALaw],
  ] as const)('%s decodes every byte and encodes every 16-bit sample as the reference codec does', (codec, dec, enc) => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const decoded = new Int16Array(256);
    expect(decodeInto(codec, bytes, decoded)).toBe(256);
    expect([...decoded]).toEqual([...bytes].map((b) => dec(b) + 0)); // + 0: the reference gives -0 for one μ-law byte
    const samples = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const encoded = new Uint8Array(65536 + 3);
    encodeInto(codec, samples, encoded, 3);
    const mismatches = [...samples].filter((s, i) => encoded[i + 3] !== enc(s));
    expect(mismatches).toEqual([]);
  });

  it('decodes no more than the output holds', () => {
    expect(decodeInto('PCMU', new Uint8Array(200), new Int16Array(160))).toBe(160);
  });

  it.each([[0, 'PCMU'], [8, 'PCMA'], [101, undefined], [13, undefined]])('payload type %d is %s', (pt, codec) => {
    expect(codecOfPayloadType(pt)).toBe(codec);
  });
});
