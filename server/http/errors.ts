/**
 * The one table from error codes to HTTP statuses, and the error answer `{ error: { code, message } }`.
 * Domain errors are `AppError`s from the routing layer (stable codes); the http layer's own are
 * `AppError`s too, with the codes below. Anything else is a bug: 500 ERR_INTERNAL, logged.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import { AppError, isAppError } from '../routing';
import type { HttpLogger } from './deps';

export const HTTP_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  // domain (routing, store)
  ERR_INVALID_INPUT: 400,
  ERR_INVALID_CONFIG: 400,
  ERR_UNKNOWN_QUEUE: 404,
  ERR_UNKNOWN_OPERATOR: 404,
  ERR_UNKNOWN_CALL: 404,
  ERR_DUPLICATE_CALL: 409,
  ERR_ILLEGAL_TRANSITION: 409,
  ERR_STALE_OFFER: 409,
  ERR_QUEUE_FULL: 503,
  ERR_INVALID_STATE: 503,
  ERR_STORE: 503,
  ERR_STORE_UNAVAILABLE: 503,
  // records
  ERR_UNKNOWN_CUSTOMER: 404,
  ERR_PHONE_TAKEN: 409,
  ERR_BAD_PHONE: 400,
  ERR_BAD_CSV: 400,
  ERR_RECORDS_UNAVAILABLE: 503,
  ERR_RECORDS_CLOSED: 503,
  // http
  ERR_BAD_JSON: 400,
  ERR_BAD_CREDENTIALS: 401,
  ERR_UNAUTHORIZED: 401,
  ERR_FORBIDDEN: 403,
  ERR_NOT_FOUND: 404,
  ERR_PAYLOAD_TOO_LARGE: 413,
  ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  ERR_TOO_MANY_ATTEMPTS: 429,
  ERR_WRAP_UP_LIMIT: 409,
  ERR_INTERNAL: 500,
};

/** The status for a code; a code missing from the table is a bug (500). */
export function statusForCode(code: string): number {
  return HTTP_STATUS_BY_CODE[code] ?? 500;
}

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** An ERR_INVALID_INPUT naming every field zod refused, e.g. `password: expected a string`. */
export function invalidInput(where: 'body' | 'query', error: z.ZodError): AppError {
  const issues = error.issues.map((i) => ({ field: i.path.map(String).join('.') || where, message: i.message }));
  const message = `invalid ${where}: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`;
  return new AppError('ERR_INVALID_INPUT', message, { details: { issues } });
}

/** body-parser's errors carry `type` and `status`. */
function fromBodyParser(err: unknown): AppError | undefined {
  const e = err as { type?: unknown; status?: unknown; message?: unknown };
  if (typeof e?.type !== 'string' || typeof e.status !== 'number') return undefined;
  if (e.type === 'entity.parse.failed') return new AppError('ERR_BAD_JSON', 'the request body is not valid JSON', { cause: err });
  if (e.type === 'entity.too.large') return new AppError('ERR_PAYLOAD_TOO_LARGE', 'the request body is too large', { cause: err });
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
    return new AppError('ERR_UNSUPPORTED_MEDIA_TYPE', String(e.message), { cause: err });
  }
  if (e.status >= 400 && e.status < 500) return new AppError('ERR_INVALID_INPUT', String(e.message), { cause: err });
  return undefined;
}

/** The status and body for any thrown value. */
export function toErrorResponse(err: unknown): { status: number; body: ErrorBody; bug: boolean } {
  const known = isAppError(err) ? err : fromBodyParser(err);
  if (!known) return { status: 500, body: { error: { code: 'ERR_INTERNAL', message: 'internal error' } }, bug: true };
  const status = statusForCode(known.code);
  const details = Object.keys(known.details).length > 0 ? { details: known.details } : {};
  return { status, body: { error: { code: known.code, message: known.message, ...details } }, bug: status >= 500 && !(known.code in HTTP_STATUS_BY_CODE) };
}

/** Express error handler: the JSON error answer; 5xx are logged. */
export function errorHandler(logger?: HttpLogger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const { status, body, bug } = toErrorResponse(err);
    if (status >= 500) logger?.error({ err, method: req.method, path: req.path, code: body.error.code, bug }, 'request failed');
    if (status === 401 && body.error.code === 'ERR_UNAUTHORIZED') res.setHeader('WWW-Authenticate', 'Bearer');
    const retryAfter = body.error.details?.retryAfterSeconds;
    if ((status === 429 || status === 503) && typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    res.status(status).json(body);
  };
}

/** The last handler: nothing matched. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('ERR_NOT_FOUND', `no such resource: ${req.method} ${req.path}`));
};
