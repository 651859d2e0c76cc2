/** Errors of the softphone, each with a stable `code` (the same habit as the server's `AppError`). */
export class SoftphoneError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SoftphoneError';
    this.code = code;
  }
}

/** A state machine was asked for a transition its table does not have. */
export class IllegalTransitionError extends SoftphoneError {
  constructor(readonly from: string, readonly event: string) {
    super('ERR_ILLEGAL_TRANSITION', `no transition for "${event}" in state "${from}"`);
    this.name = 'IllegalTransitionError';
  }
}

/** A closed object was used. */
export class InvalidStateError extends SoftphoneError {
  constructor(message: string) {
    super('ERR_INVALID_STATE', message);
    this.name = 'InvalidStateError';
  }
}
