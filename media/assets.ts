import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The bundled audio files: WAV, 8 kHz, mono, 16-bit PCM, made by scripts/make-assets.sh. */
export const MEDIA_ASSET_FILES = {
  musicOnHold: 'music-on-hold.wav',
  allOperatorsBusy: 'all-operators-busy.wav',
  ringBack: 'ring-back.wav',
} as const;

export type MediaAsset = keyof typeof MEDIA_ASSET_FILES;

/** Absolute path of a bundled audio file, found both from the sources and from the compiled dist/media. */
export function mediaAssetPath(asset: MediaAsset): string {
  const file = MEDIA_ASSET_FILES[asset];
  for (const dir of [resolve(__dirname, 'assets'), resolve(__dirname, '../../media/assets')]) {
    if (existsSync(join(dir, file))) return join(dir, file);
  }
  throw new Error(`media asset ${file} not found near ${__dirname}`);
}
