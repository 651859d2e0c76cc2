import { detectTone, rms, toneRatio } from './goertzel';
import { sine } from './wav';

describe('Goertzel tone detection', () => {
  const rate = 8000;
  it('finds a 440 Hz tone and not 1 kHz in it', () => {
    const s = sine({ frequency: 440, sampleRate: rate, seconds: 1 });
    expect(toneRatio(s, rate, 440)).toBeGreaterThan(0.9);
    expect(toneRatio(s, rate, 1000)).toBeLessThan(0.05);
    expect(detectTone(s, rate, 440).detected).toBe(true);
    expect(detectTone(s, rate, 1000).detected).toBe(false);
  });

  it('finds nothing in silence or white noise', () => {
    const silence = new Int16Array(8000);
    let seed = 1;
    const noise = Int16Array.from({ length: 8000 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 20000);
    expect(detectTone(silence, rate, 440)).toEqual({ detected: false, ratio: 0, rms: 0 });
    expect(toneRatio(noise, rate, 440)).toBeLessThan(0.1);
  });

  it('finds a tone under moderate noise', () => {
    const tone = sine({ frequency: 1000, sampleRate: rate, seconds: 1, amplitude: 0.5 });
    let seed = 7;
    const mixed = tone.map((x) => x + ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 4000);
    expect(detectTone(mixed, rate, 1000).detected).toBe(true);
    expect(rms(mixed)).toBeGreaterThan(10000);
  });
});
