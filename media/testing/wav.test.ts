import { readFileSync } from 'node:fs';
import { decodeWav, sineWav } from './wav';
import { detectTone } from './goertzel';
import { mediaAssetPath, MEDIA_ASSET_FILES, type MediaAsset } from '../assets';

describe('WAV', () => {
  it('writes a sine tone that reads back with its format', () => {
    const file = sineWav({ frequency: 440, sampleRate: 48000, seconds: 0.5 });
    expect(file.length).toBe(44 + 48000);
    const wav = decodeWav(file);
    expect(wav).toMatchObject({ sampleRate: 48000, channels: 1 });
    expect(detectTone(wav.samples, 48000, 440).detected).toBe(true);
  });

  it('rejects what is not a WAV file', () => {
    expect(() => decodeWav(Buffer.from('not a wav file at all, no'))).toThrow(/not a WAV/);
  });

  it.each(Object.keys(MEDIA_ASSET_FILES) as MediaAsset[])('the bundled asset %s is 8 kHz mono 16-bit and not silent', (asset) => {
    const wav = decodeWav(readFileSync(mediaAssetPath(asset)));
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 1 });
    expect(wav.samples.length).toBeGreaterThan(8000 * 4);
    expect(wav.samples.some((s) => Math.abs(s) > 3000)).toBe(true);
  });

  it('the ring-back tone is 440 + 480 Hz for 2 s', () => {
    const wav = decodeWav(readFileSync(mediaAssetPath('ringBack')));
    const on = wav.samples.subarray(800, 15200);
    expect(detectTone(on, 8000, 440, { minRatio: 0.3 }).detected).toBe(true);
    expect(detectTone(on, 8000, 480, { minRatio: 0.3 }).detected).toBe(true);
    expect(detectTone(wav.samples.subarray(24000, 40000), 8000, 440).rms).toBeLessThan(5);
  });
});
