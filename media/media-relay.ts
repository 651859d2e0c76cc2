import type { MediaError } from './errors';
import type { AudioCodec, CodecPolicy, LegKind } from './leg-profiles';

/** An SDP offer from one leg, to be rewritten for the other leg. */
export interface OfferOptions {
  callId: string;
  /** The SIP From-tag of the offering leg. */
  fromTag: string;
  sdp: string;
  /** The leg that sent this SDP. */
  from: LegKind;
  /** The leg that will receive the rewritten SDP. */
  to: LegKind;
  /** Narrows and orders the codecs offered to `to` (default: its profile, e.g. Opus first for a browser). */
  codecs?: readonly AudioCodec[];
  /** How a browser leg's codec is chosen (default `avoid-transcoding`: G.711 first). */
  codecPolicy?: CodecPolicy;
  /** Records this call; default: the relay's `recordCalls` setting. */
  record?: boolean;
  /** A free-form label rtpengine reports back in statistics. */
  label?: string;
}

/** An SDP answer from the answering leg, to be rewritten for the offering leg. */
export interface AnswerOptions {
  callId: string;
  /** The From-tag of the offering leg, as given to offer(). */
  fromTag: string;
  /** The tag of the answering leg (its SIP To-tag). */
  toTag: string;
  sdp: string;
  /** The answering leg (the `to` of the offer). */
  from: LegKind;
  /** The offering leg, which receives the rewritten answer (the `from` of the offer). */
  to: LegKind;
  label?: string;
}

/** A caller (trunk leg) to be answered before any other leg exists, e.g. while it waits in a queue. */
export interface ParkOptions {
  callId: string;
  /** The caller's From-tag. */
  fromTag: string;
  /** The caller's SDP offer (trunk profile). */
  sdp: string;
  record?: boolean;
  label?: string;
  /**
   * The caller's media address is the one in its SDP, for the rest of the call: no address is
   * learnt from packets, and packets from anywhere else are dropped. For a call moved to a
   * restarted relay: the peers of every session the relay lost still send to their old ports,
   * which the new relay hands out again, so learning would take another call's media as this
   * caller's (cross-talk, and silence for the caller).
   */
  pinAddress?: boolean;
}

/** An operator's leg joining a parked caller with its own SDP offer (e.g. a late-offer INVITE to the softphone). */
export interface ConnectParkedOptions {
  callId: string;
  /** The tag of the joining leg; use it afterwards like any other leg tag. */
  legTag: string;
  /** The joining leg's SDP offer. */
  sdp: string;
  from: LegKind;
  /** How a browser leg's codec is chosen (default `avoid-transcoding`: the caller's G.711 law). */
  codecPolicy?: CodecPolicy;
  label?: string;
}

/** The codecs rtpengine settled on for a caller and the leg connected to it. */
export interface LegPairMedia {
  /** e.g. `PCMU/8000`. */
  callerCodec: string;
  /** e.g. `PCMU/8000` or `opus/48000/2`. */
  legCodec: string;
  /** rtpengine decodes and re-encodes the audio (different codecs, or DTMF injection on). */
  transcoded: boolean;
}

export interface ConnectedResult extends SdpResult {
  /** What rtpengine reports for the pair right after connecting; absent when it could not be asked. */
  media?: LegPairMedia;
}

/**
 * A new offer from a leg already in the call (a re-INVITE or UPDATE: hold with `a=sendonly` or
 * `a=inactive`, resume with `a=sendrecv`, a session refresh). It is answered without an offer to
 * the other leg, which keeps its ports and codec.
 */
export interface UpdateLegOptions {
  callId: string;
  /** The tag of the re-offering leg (the caller's From-tag, or the tag given to connectParked/answer). */
  legTag: string;
  sdp: string;
  from: LegKind;
  label?: string;
}

/** Detaches a connected leg from a parked-then-connected caller, who is parked again. */
export interface ReparkOptions {
  callId: string;
  /** The tag of the leg to detach (the one given to connectParked). */
  legTag: string;
}

/** Digits to send as RFC 4733 telephone-events (e.g. from a SIP INFO). */
export interface SendDtmfOptions {
  callId: string;
  /** The leg that receives the digits (e.g. the caller's From-tag); they come from the leg it talks to. */
  tag: string;
  /** 0-9, *, #, A-D; at most MAX_DTMF_DIGITS per request. */
  digits: string;
  /** Length of each digit, 100–5000 ms (default 250). */
  durationMs?: number;
}

/** A digit the relay saw as an RFC 4733 event in a leg's media. */
export interface DtmfEvent {
  callId: string;
  /** The tag of the leg that sent it. */
  tag: string;
  digit: string;
}

/** The most digits one sendDtmf() request may carry. */
export const MAX_DTMF_DIGITS = 32;

export interface SdpResult {
  /** The rewritten SDP to put in the SIP message. */
  sdp: string;
}

/** Ends a whole call (callId only) or one branch of it (with tags). */
export interface DeleteOptions {
  callId: string;
  fromTag?: string;
  toTag?: string;
}

/** Selects one leg of a call by its tag. */
export interface LegSelector {
  callId: string;
  /** The tag of the leg that hears the audio (e.g. the caller's From-tag). */
  tag: string;
}

export interface PlayMediaOptions extends LegSelector {
  /** Absolute path of an audio file the relay host can read (WAV, MP3, anything ffmpeg decodes). */
  file: string;
  /** Repeat until stopMedia() (default true). */
  loop?: boolean;
  /** The file replaces what the other legs send to this one until stopMedia() (default true). */
  exclusive?: boolean;
}

export interface PlayMediaResult {
  /** Length of one pass of the file, when the relay could tell. */
  durationMs: number | undefined;
}

export interface PacketCounters {
  packets: number;
  bytes: number;
  errors: number;
}

export interface StreamStats extends PacketCounters {
  localPort: number | undefined;
  /** The address packets are sent to, `ip:port`. */
  endpoint: string | undefined;
  lastPacketAt: Date | undefined;
  flags: string[];
}

export interface LegStats {
  tag: string;
  label: string | undefined;
  protocol: string | undefined;
  /** The codec rtpengine uses towards this leg, e.g. `PCMU/8000`. */
  codec: string | undefined;
  /** rtpengine's media flags, e.g. ICE, DTLS-SRTP, rtcp-mux, transcoding. */
  flags: string[];
  inDialogueWith: string | undefined;
  /** Packets received from this leg (RTP streams only). */
  rtp: PacketCounters;
  streams: StreamStats[];
}

export interface CallStats {
  callId: string;
  createdAt: Date | undefined;
  lastSignalAt: Date | undefined;
  legs: LegStats[];
  totals: { rtp: PacketCounters; rtcp: PacketCounters };
}

export interface MediaRelayEvents {
  /** The relay stopped answering (or its process exited); calls on it are lost unless it only answered late. */
  down: [error: MediaError];
  /** The relay answers again after being down (a fresh instance holds no calls). */
  up: [];
  /** A DTMF digit seen in a leg's media (only when the relay can report them). */
  dtmf: [event: DtmfEvent];
  /**
   * Calls the relay held are gone from it (its process exited or restarted, or a session check
   * found them missing). Emitted once per loss, right when it is found; the relay may still be
   * down (wait for `up`). Their media has to be set up again from scratch.
   */
  'calls-lost': [info: CallsLost];
}

export interface CallsLost {
  callIds: string[];
  reason: string;
}

export type MediaRelayState = 'up' | 'down' | 'closed';

/**
 * The media plane port: rewrites SDP between a trunk leg and a browser leg, plays audio files
 * into a leg, records and reports statistics. Every method is bounded in time and rejects with a
 * MediaError; none hangs. While the relay is down, calls fail at once with ERR_MEDIA_RELAY_DOWN.
 */
export interface MediaRelay {
  readonly state: MediaRelayState;
  offer(options: OfferOptions): Promise<SdpResult>;
  answer(options: AnswerOptions): Promise<SdpResult>;
  /**
   * Answers a trunk caller with nothing connected yet, so that it can hear playMedia() (queue
   * announcements, music on hold). Returns the SDP answer for the caller.
   */
  park(options: ParkOptions): Promise<SdpResult>;
  /**
   * Connects a leg to a parked caller. The leg makes the offer (send it an INVITE without SDP);
   * the result is the SDP answer for that leg (to put in the ACK). The caller keeps its ports and
   * codec, so it needs no re-INVITE.
   */
  connectParked(options: ConnectParkedOptions): Promise<ConnectedResult>;
  /**
   * Answers a new offer from a leg already in the call (hold, resume, refresh) with the matching
   * direction (sendonly → recvonly, inactive → inactive, sendrecv → sendrecv) and the same codec;
   * the other leg is not renegotiated. A refused SDP rejects with an SDP error (488) and the call
   * keeps its media.
   */
  updateLeg(options: UpdateLegOptions): Promise<SdpResult>;
  /**
   * Detaches a leg connected with connectParked() and parks the caller again (it can hear
   * playMedia(), and connectParked() can join another leg). End the detached leg's dialog yourself.
   */
  repark(options: ReparkOptions): Promise<void>;
  /** Sends digits as RFC 4733 events to leg `tag`, one after the other (resolves once queued). */
  sendDtmf(options: SendDtmfOptions): Promise<void>;
  /** Deleting an unknown call is not an error. */
  delete(options: DeleteOptions): Promise<void>;
  playMedia(options: PlayMediaOptions): Promise<PlayMediaResult>;
  stopMedia(options: LegSelector): Promise<void>;
  startRecording(options: { callId: string }): Promise<void>;
  stopRecording(options: { callId: string }): Promise<void>;
  callStats(callId: string): Promise<CallStats>;
  /** Call ids the relay currently holds (at most `limit`, default 1000). */
  listCalls(limit?: number): Promise<string[]>;
  ping(): Promise<void>;
  on<K extends keyof MediaRelayEvents>(event: K, listener: (...args: MediaRelayEvents[K]) => void): this;
  off<K extends keyof MediaRelayEvents>(event: K, listener: (...args: MediaRelayEvents[K]) => void): this;
  /** Stops health checks and releases the control socket. Idempotent; calls after it reject. */
  close(): Promise<void>;
}
