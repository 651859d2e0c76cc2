/** Minimal WAV (RIFF, 16-bit PCM) writing and reading for test signals and assets. */

export interface SineOptions {
  frequency: number;
  sampleRate: number;
  seconds: number;
  /** 0..1 of full scale. Default 0.5. */
  amplitude?: number;
}

/** A sine tone as 16-bit samples. */
export function sine(o: SineOptions): Int16Array {
  const n = Math.round(o.sampleRate * o.seconds);
  const a = (o.amplitude ?? 0.5) * 32767;
  return Int16Array.from({ length: n }, (_, i) => Math.round(a * Math.sin((2 * Math.PI * o.frequency * i) / o.sampleRate)));
}

/** Wraps mono 16-bit samples in a WAV file. */
export function encodeWav(samples: Int16Array, sampleRate: number): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'latin1');
  header.write('fmt ', 12, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** A WAV file of a sine tone (e.g. the fake microphone of a test browser). */
export function sineWav(o: SineOptions): Buffer {
  return encodeWav(sine(o), o.sampleRate);
}

export interface DecodedWav {
  sampleRate: number;
  channels: number;
  /** The first channel's samples. */
  samples: Int16Array;
}

/** Reads a 16-bit PCM WAV file (any chunk order); other formats throw. */
export function decodeWav(file: Buffer): DecodedWav {
  if (file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let pos = 12;
  let format: { sampleRate: number; channels: number; bits: number; tag: number } | undefined;
  for (let chunks = 0; pos + 8 <= file.length && chunks < 64; chunks++) {
    const id = file.toString('latin1', pos, pos + 4);
    const size = file.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      format = { tag: file.readUInt16LE(body), channels: file.readUInt16LE(body + 2), sampleRate: file.readUInt32LE(body + 4), bits: file.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!format || format.tag !== 1 || format.bits !== 16) throw new Error('only 16-bit PCM WAV is supported');
      const frames = Math.floor(Math.min(size, file.length - body) / (2 * format.channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = file.readInt16LE(body + i * 2 * format.channels);
      return { sampleRate: format.sampleRate, channels: format.channels, samples };
    }
    pos = body + size + (size % 2);
  }
  throw new Error('WAV file has no data chunk');
}
