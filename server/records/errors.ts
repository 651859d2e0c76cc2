/** Typed errors of the record store. */
import { AppError, type AppErrorOptions } from '../routing';

export type RecordsErrorCode =
  /** The database holds a newer schema than this code knows: start-up stops. */
  | 'ERR_RECORDS_SCHEMA_NEWER'
  /** A migration failed (its transaction was rolled back). */
  | 'ERR_RECORDS_MIGRATION'
  /** The database could not be reached or a statement failed. */
  | 'ERR_RECORDS_UNAVAILABLE'
  /** The store or writer was used after close(). */
  | 'ERR_RECORDS_CLOSED'
  /** A phone number that is not E.164 (and cannot be made so). */
  | 'ERR_BAD_PHONE'
  /** A phone number already belongs to another customer. */
  | 'ERR_PHONE_TAKEN'
  | 'ERR_UNKNOWN_CUSTOMER'
  /** A CSV file that cannot be read (line and column in `details`). */
  | 'ERR_BAD_CSV'
  | 'ERR_INVALID_INPUT';

export class RecordsError extends AppError {
  override readonly name = 'RecordsError';
  declare readonly code: RecordsErrorCode;
  constructor(code: RecordsErrorCode, message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
  }
}
