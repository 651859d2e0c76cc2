/**
 * The shared error class of the application. Routing is the bottom layer, so every other layer
 * imports it from here. `code` is stable and is what callers branch on; `message` is for people.
 */
export type ErrorCode =
  | 'ERR_INVALID_CONFIG'
  | 'ERR_INVALID_INPUT'
  | 'ERR_UNKNOWN_QUEUE'
  | 'ERR_UNKNOWN_OPERATOR'
  | 'ERR_UNKNOWN_CALL'
  | 'ERR_DUPLICATE_CALL'
  | 'ERR_QUEUE_FULL'
  | 'ERR_ILLEGAL_TRANSITION'
  | 'ERR_STALE_OFFER'
  | 'ERR_INVALID_STATE'
  | 'ERR_STORE'
  | (string & {});

export interface AppErrorOptions {
  cause?: unknown;
  /** Extra machine-readable facts (ids, states), safe to log and to return to API clients. */
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  override readonly name: string = 'AppError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** Thrown when an object is used after close(). */
export class InvalidStateError extends AppError {
  override readonly name = 'InvalidStateError';
  constructor(message: string, options: AppErrorOptions = {}) {
    super('ERR_INVALID_STATE', message, options);
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}
