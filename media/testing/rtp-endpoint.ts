import * as dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { g711Decode, g711Encode, G711_PAYLOAD_TYPE, type G711Codec } from './g711';
import { buildRtp, parseRtp } from './rtp-packet';
import { summarizeSdp, activeAudio } from '../sdp/sdp-summary';

export interface RtpEndpointOptions {
  /** Codec sent and offered first. Default PCMU. */
  codec?: G711Codec;
  host?: string;
  /** Upper bound of one sending run, so no test streams forever. Default 120 s. */
  maxSendSeconds?: number;
}

const PTIME_MS = 20;
/** The telephone-event payload type this endpoint offers (and expects back). */
const DTMF_PT = 101;
const DTMF_DIGITS = '0123456789*#ABCD';

/** An RFC 4733 event as received: one per event (the first packet of its timestamp). */
export interface ReceivedDtmf {
  digit: string;
  /** RTP timestamp of the event. */
  timestamp: number;
  /** True once a packet with the end bit arrived. */
  ended: boolean;
  /** The longest duration seen, in timestamp units (8 kHz). */
  duration: number;
}
const SAMPLES_PER_PACKET = 160;

/**
 * A plain-RTP G.711 endpoint on 127.0.0.1 standing in for a SIP trunk: it writes an SDP, learns
 * the far end from the relay's SDP, sends a tone (or silence) every 20 ms and decodes what it receives.
 */
export class RtpEndpoint {
  readonly codec: G711Codec;
  private remote: { address: string; port: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private received: Int16Array[] = [];
  private readonly dtmf: ReceivedDtmf[] = [];
  private dtmfQueue: Promise<void> = Promise.resolve();
  private sendingDtmf = false;
  private receivedCount = 0;
  private readonly sources = new Map<string, number>();
  private readonly payloadTypes = new Map<number, number>();
  private sentCount = 0;
  private readonly ssrc = randomInt(1, 2 ** 31);
  private seq = randomInt(0, 65535);
  private ts = randomInt(0, 2 ** 31);

  private constructor(private readonly socket: dgram.Socket, readonly host: string, readonly port: number, private readonly options: RtpEndpointOptions) {
    this.codec = options.codec ?? 'PCMU';
    socket.on('message', (msg, rinfo) => this.onPacket(msg, `${rinfo.address}:${rinfo.port}`));
  }

  static async open(options: RtpEndpointOptions = {}): Promise<RtpEndpoint> {
    const host = options.host ?? '127.0.0.1';
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => resolve());
    });
    return new RtpEndpoint(socket, host, socket.address().port, options);
  }

  /** An SDP offer or answer for this endpoint: G.711 (own codec first) and telephone-event. */
  sdp(codecs: readonly G711Codec[] = [this.codec]): string {
    const pts = codecs.map((c) => G711_PAYLOAD_TYPE[c]);
    return [
      'v=0', `o=- ${this.port} 1 IN IP4 ${this.host}`, 's=switchboard-test', `c=IN IP4 ${this.host}`, 't=0 0',
      `m=audio ${this.port} RTP/AVP ${pts.join(' ')} 101`,
      ...codecs.map((c) => `a=rtpmap:${G711_PAYLOAD_TYPE[c]} ${c}/8000`),
      'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15', 'a=ptime:20', 'a=sendrecv', '',
    ].join('\r\n');
  }

  /** Takes the far end's address and port from the relay's SDP. */
  useRemoteSdp(sdp: string): { address: string; port: number } {
    const audio = activeAudio(summarizeSdp(sdp))[0];
    if (!audio.address) throw new Error('remote SDP has no c= address');
    this.remote = { address: audio.address, port: audio.port };
    return this.remote;
  }

  /** Sends `frequency` Hz at `amplitude` (0..1) every 20 ms until stopSending(); 0 Hz sends silence. */
  startSending(frequency: number, amplitude = 0.3): void {
    if (!this.remote) throw new Error('no remote endpoint: call useRemoteSdp() first');
    this.stopSending();
    const remote = this.remote;
    const started = Date.now();
    const limit = (this.options.maxSendSeconds ?? 120) * 1000;
    let phase = 0;
    let due = 0;
    const step = (2 * Math.PI * frequency) / 8000;
    const tick = (): void => {
      const elapsed = Date.now() - started;
      if (elapsed > limit) return this.stopSending();
      // Catch up on late timers without bursting more than five packets.
      for (let burst = 0; due * PTIME_MS <= elapsed && burst < 5; burst++, due++) {
        if (this.sendingDtmf) { this.ts = (this.ts + SAMPLES_PER_PACKET) >>> 0; continue; }
        const samples = new Int16Array(SAMPLES_PER_PACKET);
        for (let i = 0; i < SAMPLES_PER_PACKET; i++, phase += step) samples[i] = Math.round(amplitude * 32767 * Math.sin(phase));
        const packet = buildRtp({
          payloadType: G711_PAYLOAD_TYPE[this.codec], sequence: this.seq++, timestamp: this.ts, ssrc: this.ssrc,
          marker: this.sentCount === 0, payload: g711Encode(this.codec, samples),
        });
        this.seq &= 0xffff;
        this.ts = (this.ts + SAMPLES_PER_PACKET) >>> 0;
        this.sentCount++;
        this.socket.send(packet, remote.port, remote.address);
      }
    };
    tick();
    this.timer = setInterval(tick, PTIME_MS / 2);
  }

  stopSending(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Sends `digits` as RFC 4733 events (payload type 101): per digit, a packet every 20 ms with a
   * growing duration, the end packet three times, then `gapMs` of audio. Audio pauses meanwhile.
   */
  sendDtmf(digits: string, durationMs = 160, gapMs = 100): Promise<void> {
    if (!this.remote) throw new Error('no remote endpoint: call useRemoteSdp() first');
    const remote = this.remote;
    const run = async (): Promise<void> => {
      for (const digit of digits.toUpperCase()) {
        const event = DTMF_DIGITS.indexOf(digit);
        if (event < 0) throw new Error(`not a DTMF digit: ${digit}`);
        this.sendingDtmf = true;
        const timestamp = this.ts;
        const steps = Math.max(1, Math.round(durationMs / PTIME_MS));
        for (let i = 1; i <= steps + 2; i++) {
          const end = i >= steps;
          const duration = Math.min(i, steps) * SAMPLES_PER_PACKET;
          const payload = Buffer.from([event, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
          this.socket.send(buildRtp({ payloadType: DTMF_PT, sequence: this.seq++, timestamp, ssrc: this.ssrc, marker: i === 1, payload }), remote.port, remote.address);
          this.seq &= 0xffff;
          await new Promise((r) => setTimeout(r, end ? 5 : PTIME_MS));
        }
        this.sendingDtmf = false;
        if (!this.timer) this.ts = (this.ts + (steps + 1) * SAMPLES_PER_PACKET) >>> 0;
        await new Promise((r) => setTimeout(r, gapMs));
      }
    };
    const done = this.dtmfQueue.then(run);
    this.dtmfQueue = done.then(() => undefined, () => undefined); // only orders the sends: `done` carries the outcome to the caller
    return done;
  }

  /** RFC 4733 events received since clearDtmf(), in order. */
  receivedDtmf(): ReceivedDtmf[] {
    return this.dtmf.map((d) => ({ ...d }));
  }

  /** The digits received since clearDtmf(), in order, e.g. "123#". */
  receivedDigits(): string {
    return this.dtmf.map((d) => d.digit).join('');
  }

  clearDtmf(): void {
    this.dtmf.length = 0;
  }

  /** Resolves once `count` digits arrived (and ended) since clearDtmf(); rejects after timeoutMs. */
  async waitForDigits(count: number, timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.dtmf.length >= count && this.dtmf.slice(0, count).every((d) => d.ended)) return this.receivedDigits();
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`received DTMF "${this.receivedDigits()}", wanted ${count} digits within ${timeoutMs} ms`);
  }

  get packetsSent(): number {
    return this.sentCount;
  }

  get packetsReceived(): number {
    return this.receivedCount;
  }

  /** All G.711 audio received since the last clearReceived(), decoded to 8 kHz samples. */
  receivedSamples(): Int16Array {
    const total = this.received.reduce((n, a) => n + a.length, 0);
    const out = new Int16Array(total);
    let offset = 0;
    for (const chunk of this.received) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  clearReceived(): void {
    this.received = [];
    this.sources.clear();
  }

  /** Resolves once at least `samples` decoded samples arrived since clearReceived(); rejects after timeoutMs. */
  async waitForSamples(samples: number, timeoutMs = 10000): Promise<Int16Array> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const have = this.received.reduce((n, a) => n + a.length, 0);
      if (have >= samples) return this.receivedSamples();
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`received ${this.receivedSamples().length} of ${samples} samples within ${timeoutMs} ms`);
  }

  async close(): Promise<void> {
    this.stopSending();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  /** RTP packets received by payload type since the endpoint opened (diagnostics). */
  receivedPayloadTypes(): Map<number, number> {
    return new Map(this.payloadTypes);
  }

  /** Where RTP came from since clearReceived(), `address:port` → packets (symmetric RTP checks). */
  receivedFrom(): Map<string, number> {
    return new Map(this.sources);
  }

  private onPacket(msg: Buffer, from: string): void {
    const rtp = parseRtp(msg);
    if (!rtp) return;
    this.sources.set(from, (this.sources.get(from) ?? 0) + 1);
    this.payloadTypes.set(rtp.payloadType, (this.payloadTypes.get(rtp.payloadType) ?? 0) + 1);
    if (rtp.payloadType === DTMF_PT && rtp.payload.length >= 4) return this.onDtmf(rtp.timestamp, rtp.payload);
    const codec = rtp.payloadType === 0 ? 'PCMU' : rtp.payloadType === 8 ? 'PCMA' : undefined;
    if (!codec) return;
    this.receivedCount++;
    this.received.push(g711Decode(codec, rtp.payload));
  }

  private onDtmf(timestamp: number, payload: Buffer): void {
    const digit = DTMF_DIGITS[payload[0]];
    if (digit === undefined) return;
    const ended = (payload[1] & 0x80) !== 0;
    const duration = payload.readUInt16BE(2);
    const last = this.dtmf.at(-1);
    if (last && last.timestamp === timestamp && last.digit === digit) {
      last.ended ||= ended;
      last.duration = Math.max(last.duration, duration);
      return;
    }
    this.dtmf.push({ digit, timestamp, ended, duration });
  }
}
