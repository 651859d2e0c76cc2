import type * as dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { TypedEmitter } from '../typed-emitter';
import type { MediaLogger } from '../logger';
import type { G711Codec } from '../testing/g711';
import { parseRtp } from '../testing/rtp-packet';
import { activeAudio, summarizeSdp } from '../sdp/sdp-summary';
import { closedError, MixerError, MixerErrorCode } from './errors';
import { codecOfPayloadType, decodeInto, encodeInto, G711_PT } from './g711-tables';
import { JitterBuffer, type JitterBufferOptions, type JitterBufferStats } from './jitter-buffer';
import { participantSdp, TELEPHONE_EVENT_PT } from './participant-sdp';

/** Samples in one 20 ms G.711 frame. */
export const FRAME_SAMPLES = 160;
const HEADER_BYTES = 12;
const DTMF_DIGITS = '0123456789*#ABCD';

export interface ParticipantOptions {
  codec: G711Codec;
  /** Packet time in ms; the mixer runs 20 ms frames only. */
  ptime?: 20;
  /** A free-form name for logs. */
  label?: string;
}

export interface RemoteAddress {
  address: string;
  port: number;
}

/** An RFC 4733 event the participant sent (reported once, on its first packet; never mixed). */
export interface TelephoneEvent {
  /** 0–15 as the RFC numbers them. */
  event: number;
  /** '0'–'9', '*', '#', 'A'–'D', or undefined for other events. */
  digit: string | undefined;
  /** The event's RTP timestamp. */
  timestamp: number;
}

export interface MixerParticipantEvents {
  /** The remote was learnt from the first RTP packet (symmetric RTP). */
  latched: [remote: RemoteAddress];
  'telephone-event': [event: TelephoneEvent];
  close: [];
}

export interface ParticipantStats {
  packetsIn: number;
  packetsOut: number;
  /** Packets from an address other than the remote (ignored). */
  unknownSource: number;
  /** Datagrams that are not RTP (RTCP, STUN, garbage; ignored). */
  notRtp: number;
  /** G.711 packets whose payload is not one 20 ms frame (ignored). */
  badLength: number;
  /** RTP with a payload type neither G.711 nor telephone-event, e.g. comfort noise (ignored). */
  otherPayload: number;
  /** RFC 4733 events reported (their packets are never mixed). */
  telephoneEvents: number;
  sendErrors: number;
  jitter: JitterBufferStats;
}

interface Frame {
  codec: G711Codec;
  payload: Buffer;
}

/** What a conference hands its participant: the bound socket and how to tell it that it closed. */
export interface ParticipantContext {
  id: string;
  socket: dgram.Socket;
  announceAddress: string;
  jitter: JitterBufferOptions | undefined;
  logger: MediaLogger;
  onClose: (participant: MixerParticipant) => void;
}

/**
 * One party of a conference: a UDP port speaking plain RTP in one G.711 law. What it sends goes
 * through a jitter buffer into the mix; every 20 ms it is sent the mix of the others, with its
 * own SSRC, sequence numbers and timestamps. The far end is set from its SDP (setRemote /
 * setRemoteSdp) or latched from the first RTP packet; packets from anywhere else are ignored.
 */
export class MixerParticipant extends TypedEmitter<MixerParticipantEvents> {
  readonly id: string;
  readonly codec: G711Codec;
  readonly ptime = 20;
  readonly label: string | undefined;
  readonly localAddress: string;
  readonly localPort: number;
  private remoteAddress: RemoteAddress | undefined;
  private telephoneEventPt = TELEPHONE_EVENT_PT;
  private lastEventTimestamp: number | undefined;
  private readonly jitter: JitterBuffer<Frame>;
  private readonly ssrc = randomInt(1, 2 ** 32 - 1);
  private sequence = randomInt(0, 0x10000);
  private timestamp = randomInt(0, 2 ** 32 - 1);
  private readonly sessionId = String(randomInt(1, 2 ** 47));
  private closing: Promise<void> | undefined;
  private readonly counters = { packetsIn: 0, packetsOut: 0, unknownSource: 0, notRtp: 0, badLength: 0, otherPayload: 0, telephoneEvents: 0, sendErrors: 0 };

  constructor(options: ParticipantOptions, private readonly context: ParticipantContext) {
    super();
    this.id = context.id;
    this.codec = options.codec;
    this.label = options.label;
    this.localAddress = context.announceAddress;
    this.localPort = context.socket.address().port;
    this.jitter = new JitterBuffer<Frame>(context.jitter);
    context.socket.on('message', (msg, rinfo) => this.onDatagram(msg, rinfo));
    context.socket.on('error', (err) => {
      context.logger.error({ err, participant: this.id, port: this.localPort }, 'mixer participant socket failed; closing it');
      void this.close();
    });
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Where the mix is sent, once known. */
  get remote(): RemoteAddress | undefined {
    return this.remoteAddress && { ...this.remoteAddress };
  }

  stats(): ParticipantStats {
    return { ...this.counters, jitter: this.jitter.stats() };
  }

  /** A plain RTP/AVP SDP (offer or answer) for this participant: its law, telephone-event, ptime 20. */
  sdp(): string {
    this.assertOpen();
    return participantSdp({ address: this.localAddress, port: this.localPort, codec: this.codec, ptime: this.ptime, sessionId: this.sessionId });
  }

  /** Sends the mix to `address:port` and accepts packets from there only. */
  setRemote(address: string, port: number): void {
    this.assertOpen();
    if (typeof address !== 'string' || address.length === 0) throw new MixerError(MixerErrorCode.BadOption, 'remote address is empty');
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new MixerError(MixerErrorCode.BadOption, `remote port ${port} is not in 1..65535`);
    this.remoteAddress = { address, port };
  }

  /** setRemote() from the far end's SDP (e.g. the relay's answer to sdp()); learns its telephone-event type too. */
  setRemoteSdp(sdp: string): RemoteAddress {
    this.assertOpen();
    const audio = activeAudio(summarizeSdp(sdp))[0];
    if (!audio?.address || !audio.port) throw new MixerError(MixerErrorCode.BadOption, 'remote SDP has no active audio with an address and port');
    const dtmf = audio.codecs.find((c) => c.name.toLowerCase() === 'telephone-event');
    if (dtmf) this.telephoneEventPt = dtmf.payloadType;
    this.setRemote(audio.address, audio.port);
    return { address: audio.address, port: audio.port };
  }

  /** Closes the socket and leaves the conference. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = new Promise<void>((resolve) => {
      try {
        this.context.socket.close(() => resolve());
      } catch {
        resolve(); // the socket was closed already (its error handler ran first)
      }
    });
    this.context.onClose(this);
    this.emit('close');
    return this.closing;
  }

  /** The frame due now, decoded into `out`; false for silence. Called by the conference each tick. */
  pullFrame(out: Int16Array): boolean {
    const frame = this.jitter.pop();
    if (!frame) return false;
    decodeInto(frame.codec, frame.payload, out);
    return true;
  }

  /** The mixer skipped `frames` ticks (a stall): the timestamps jump over them, their input is dropped. */
  skipFrames(frames: number): void {
    this.timestamp = (this.timestamp + frames * FRAME_SAMPLES) >>> 0;
    this.jitter.skip(frames);
  }

  /** Encodes and sends one mixed frame (timestamps advance even before the remote is known). */
  sendFrame(samples: Int16Array): void {
    const seq = this.sequence;
    const ts = this.timestamp;
    this.sequence = (seq + 1) & 0xffff;
    this.timestamp = (ts + samples.length) >>> 0;
    const remote = this.remoteAddress;
    if (!remote || this.closing) return;
    const packet = Buffer.allocUnsafe(HEADER_BYTES + samples.length);
    packet[0] = 0x80;
    packet[1] = (this.counters.packetsOut === 0 ? 0x80 : 0) | G711_PT[this.codec];
    packet.writeUInt16BE(seq, 2);
    packet.writeUInt32BE(ts, 4);
    packet.writeUInt32BE(this.ssrc, 8);
    encodeInto(this.codec, samples, packet, HEADER_BYTES);
    this.counters.packetsOut++;
    this.context.socket.send(packet, remote.port, remote.address, (err) => {
      if (err) this.counters.sendErrors++;
    });
  }

  private onDatagram(msg: Buffer, from: dgram.RemoteInfo): void {
    if (this.closing) return;
    const remote = this.remoteAddress;
    if (remote && (from.port !== remote.port || from.address !== remote.address)) {
      this.counters.unknownSource++;
      return;
    }
    const rtp = parseRtp(msg);
    if (!rtp) {
      this.counters.notRtp++;
      return;
    }
    if (!remote) {
      this.remoteAddress = { address: from.address, port: from.port };
      this.emit('latched', { ...this.remoteAddress });
    }
    this.counters.packetsIn++;
    const codec = codecOfPayloadType(rtp.payloadType);
    if (codec) {
      if (rtp.payload.length !== FRAME_SAMPLES) this.counters.badLength++;
      else this.jitter.push(rtp.ssrc, rtp.sequence, { codec, payload: rtp.payload });
    } else if (rtp.payloadType === this.telephoneEventPt) {
      this.onTelephoneEvent(rtp.payload, rtp.timestamp);
    } else {
      this.counters.otherPayload++;
    }
  }

  /** RFC 4733: one event spans packets sharing a timestamp; report it once, on the first. */
  private onTelephoneEvent(payload: Buffer, timestamp: number): void {
    if (payload.length < 4 || timestamp === this.lastEventTimestamp) return;
    this.lastEventTimestamp = timestamp;
    this.counters.telephoneEvents++;
    const event = payload[0];
    this.emit('telephone-event', { event, digit: DTMF_DIGITS[event], timestamp });
  }

  private assertOpen(): void {
    if (this.closing) throw closedError(`participant ${this.id}`);
  }
}
