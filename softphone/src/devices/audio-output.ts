import { MISSED_CALL_CHIME, renderSegments, RING_CADENCE, testTone } from './tones';

/** `setSinkId` is not in every browser (nor in every TypeScript DOM lib). */
type SinkElement = HTMLMediaElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };

/** One audio element bound to one output device via `HTMLMediaElement.setSinkId`. */
export class AudioOutput {
  private readonly element: SinkElement;
  /** The stream last asked for (until stop()). */
  private pending: MediaStream | undefined;

  constructor(element: HTMLMediaElement) {
    this.element = element;
    this.element.autoplay = true;
  }

  /** False where the browser cannot choose outputs; sound then goes to the system default. */
  get canChooseDevice(): boolean {
    return typeof this.element.setSinkId === 'function';
  }

  get deviceId(): string | undefined {
    return this.element.sinkId;
  }

  /** Switches the output, also while playing (a call keeps going). `undefined` is the default. */
  async setDevice(deviceId: string | undefined): Promise<void> {
    if (this.element.setSinkId && this.element.sinkId !== (deviceId ?? '')) await this.element.setSinkId(deviceId ?? '');
  }

  /**
   * Plays `stream`. A stream without audio yet is attached when its first track arrives: Chromium
   * never plays a track added to a stream already attached (sip.js adds the remote track when it
   * applies the answer, which for an offerless INVITE comes with the ACK, after the call is up).
   */
  async play(stream: MediaStream): Promise<void> {
    this.pending = stream;
    if (stream.getAudioTracks().length === 0) await new Promise<void>((resolve) => stream.addEventListener('addtrack', () => resolve(), { once: true }));
    if (this.pending !== stream) return; // stopped or replaced meanwhile
    this.element.srcObject = stream;
    await this.element.play();
  }

  stop(): void {
    this.pending = undefined;
    this.element.pause();
    this.element.srcObject = null;
  }
}

/** Plays generated sounds (ringtone, test tone) on a chosen `AudioOutput`. */
export class SoundPlayer {
  private readonly context: AudioContext;

  constructor(context: AudioContext) {
    this.context = context;
  }

  /** Rings until the returned function is called. */
  ring(output: AudioOutput): () => void {
    const buffer = this.buffer(renderSegments(RING_CADENCE, this.context.sampleRate));
    return this.start(output, buffer, true);
  }

  /** One second of 440 Hz; resolves when it has played. */
  playTestTone(output: AudioOutput): Promise<void> {
    return this.playOnce(output, testTone(this.context.sampleRate));
  }

  /** The short missed-call chime (880 then 660 Hz); resolves when it has played. */
  playMissedCall(output: AudioOutput): Promise<void> {
    return this.playOnce(output, renderSegments(MISSED_CALL_CHIME, this.context.sampleRate));
  }

  private playOnce(output: AudioOutput, samples: Float32Array): Promise<void> {
    const stop = this.start(output, this.buffer(samples), false);
    return new Promise((resolve) => setTimeout(() => {
      stop();
      resolve();
    }, (samples.length / this.context.sampleRate) * 1000 + 100));
  }

  private buffer(samples: Float32Array): AudioBuffer {
    const buffer = this.context.createBuffer(1, samples.length, this.context.sampleRate);
    buffer.getChannelData(0).set(samples);
    return buffer;
  }

  private start(output: AudioOutput, buffer: AudioBuffer, loop: boolean): () => void {
    void this.context.resume();
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.loop = loop;
    const destination = this.context.createMediaStreamDestination();
    source.connect(destination);
    source.start();
    output.play(destination.stream).catch(() => undefined); // autoplay refused: the visual alert still shows
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      source.stop();
      source.disconnect();
      output.stop();
    };
  }
}
