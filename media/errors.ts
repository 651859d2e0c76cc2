/** Stable error codes of the media plane. Signalling maps the SDP ones to SIP 488, the rest to 500/503. */
export const MediaErrorCode = {
  /** The SDP body is not SDP at all (or rtpengine could not parse it). */
  SdpInvalid: 'ERR_MEDIA_SDP_INVALID',
  /** The SDP has no usable audio stream. */
  NoAudio: 'ERR_MEDIA_NO_AUDIO',
  /** The SDP offers no codec the leg's profile allows. */
  CodecUnsupported: 'ERR_MEDIA_CODEC_UNSUPPORTED',
  /** The relay did not answer within the time allowed. */
  Timeout: 'ERR_MEDIA_TIMEOUT',
  /** The relay is unreachable or its process is gone. */
  RelayDown: 'ERR_MEDIA_RELAY_DOWN',
  /** The relay answered with an error for a well-formed request. */
  RelayError: 'ERR_MEDIA_RELAY_ERROR',
  /** The call, leg or tag is not known to the relay. */
  NotFound: 'ERR_MEDIA_NOT_FOUND',
  /** The rtpengine binary is not installed. */
  BinaryMissing: 'ERR_MEDIA_RTPENGINE_MISSING',
  /** The object was used after close(). */
  InvalidState: 'ERR_MEDIA_INVALID_STATE',
} as const;

export type MediaErrorCode = (typeof MediaErrorCode)[keyof typeof MediaErrorCode];

/** The codes for which the offered SDP itself is at fault (SIP 488 Not Acceptable Here). */
export const SDP_REJECTION_CODES: ReadonlySet<MediaErrorCode> = new Set<MediaErrorCode>([
  MediaErrorCode.SdpInvalid,
  MediaErrorCode.NoAudio,
  MediaErrorCode.CodecUnsupported,
]);

export interface MediaErrorDetails {
  cause?: unknown;
  /** The ng command that failed, when there was one. */
  command?: string;
  callId?: string;
}

/** An expected failure of the media plane, with a stable `code`. */
export class MediaError extends Error {
  override readonly name = 'MediaError';
  readonly code: MediaErrorCode;
  readonly command: string | undefined;
  readonly callId: string | undefined;

  constructor(code: MediaErrorCode, message: string, details: MediaErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.command = details.command;
    this.callId = details.callId;
  }

  /** True when the offered SDP is at fault (maps to SIP 488). */
  get isSdpRejection(): boolean {
    return SDP_REJECTION_CODES.has(this.code);
  }
}

export function isMediaError(err: unknown, code?: MediaErrorCode): err is MediaError {
  return err instanceof MediaError && (code === undefined || err.code === code);
}
