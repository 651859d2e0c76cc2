/** Stable error codes of the conference mixer. */
export const MixerErrorCode = {
  /** The mixer, conference or participant was used after close(). */
  InvalidState: 'ERR_MIXER_INVALID_STATE',
  /** `maxConferences` conferences are open already. */
  ConferenceLimit: 'ERR_MIXER_CONFERENCE_LIMIT',
  /** The conference holds `maxParticipants` participants already. */
  ParticipantLimit: 'ERR_MIXER_PARTICIPANT_LIMIT',
  /** Every port of the configured range is taken. */
  NoPort: 'ERR_MIXER_NO_PORT',
  /** The socket could not be bound for another reason (address not local, permission). */
  Bind: 'ERR_MIXER_BIND',
  /** An option is out of range or of the wrong kind (codec, ptime, address, port). */
  BadOption: 'ERR_MIXER_BAD_OPTION',
} as const;

export type MixerErrorCode = (typeof MixerErrorCode)[keyof typeof MixerErrorCode];

/** An expected failure of the conference mixer, with a stable `code`. */
export class MixerError extends Error {
  override readonly name = 'MixerError';
  readonly code: MixerErrorCode;

  constructor(code: MixerErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

export function isMixerError(err: unknown, code?: MixerErrorCode): err is MixerError {
  return err instanceof MixerError && (code === undefined || err.code === code);
}

/** The error a closed object throws when it is used (what: "conference c-1", "mixer"). */
export function closedError(what: string): MixerError {
  return new MixerError(MixerErrorCode.InvalidState, `${what} is closed`);
}
