import { aLawToLinear, g711Decode, g711Encode, linearToALaw, linearToMuLaw, muLawToLinear } from './g711';

describe('G.711', () => {
  it.each([
    ['μ-law silence', linearToMuLaw(0), 0xff],
    ['μ-law full scale positive', linearToMuLaw(32767), 0x80],
    ['μ-law full scale negative', linearToMuLaw(-32768), 0x00],
    ['A-law silence', linearToALaw(0), 0xd5],
    ['A-law full scale positive', linearToALaw(32767), 0xaa],
  ])('encodes %s to the standard byte', (_name, got, want) => {
    expect(got).toBe(want);
  });

  it.each([
    ['PCMU', linearToMuLaw, muLawToLinear],
    ['PCMA', linearToALaw, aLawToLinear],
  ] as const)('%s round-trips within the quantisation step', (_codec, enc, dec) => {
    for (let s = -32000; s <= 32000; s += 250) {
      const back = dec(enc(s));
      expect(Math.abs(back - s)).toBeLessThanOrEqual(Math.max(16, Math.abs(s) / 16));
    }
  });

  it('decodes every byte back to a value that encodes to the same byte', () => {
    for (let b = 0; b < 256; b++) {
      expect(linearToMuLaw(muLawToLinear(b)) === b || muLawToLinear(b) === 0).toBe(true);
      expect(linearToALaw(aLawToLinear(b))).toBe(b);
    }
  });

  it('encodes and decodes buffers', () => {
    const samples = Int16Array.from([0, 1000, -1000, 20000]);
    const decoded = g711Decode('PCMU', g711Encode('PCMU', samples));
    expect(decoded.length).toBe(4);
    expect(Math.abs(decoded[1] - 1000)).toBeLessThan(64);
  });
});
