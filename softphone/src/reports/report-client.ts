/**
 * Reads the report API with the signed-in session's bearer token (from the softphone's
 * `ApiClient`): JSON rows for the charts and tables, CSV for downloads. Failures are `ApiError`s
 * with the server's code and status (403 `ERR_FORBIDDEN` for operators).
 */
import { ApiError } from '../api/contract';
import {
  parseOperatorReport, parseQueueReport, parseShiftReport, type OperatorRow, type QueryInterval, type QueueRow, type Report, type ShiftRow,
} from './report-contract';

export type ReportKind = 'queues' | 'operators' | 'shifts';

export interface ReportParams {
  from: number;
  to: number;
  interval: QueryInterval;
  queue?: string;
}

export interface ReportClientOptions {
  baseUrl: string;
  /** The session's bearer token (undefined before sign-in). */
  token: () => string | undefined;
  fetch?: typeof fetch;
}

export class ReportClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ReportClientOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async queues(p: ReportParams): Promise<Report<QueueRow>> {
    return parseQueueReport(JSON.parse(await this.get(this.url('queues', p))));
  }

  async operators(p: ReportParams): Promise<Report<OperatorRow>> {
    return parseOperatorReport(JSON.parse(await this.get(this.url('operators', p))));
  }

  async shifts(p: Pick<ReportParams, 'from' | 'to'>): Promise<Report<ShiftRow>> {
    return parseShiftReport(JSON.parse(await this.get(this.url('shifts', p))));
  }

  /** The same report as CSV text (what the download link saves). */
  async csv(kind: ReportKind, p: ReportParams): Promise<string> {
    return this.get(this.url(kind, p, 'csv'));
  }

  /** Ends the server session (and, when no other session holds it, the sign-in to routing). */
  async logout(keepalive = false): Promise<void> {
    const token = this.options.token();
    if (token === undefined) return;
    await this.send(new URL('/api/logout', this.options.baseUrl), 'POST', token, keepalive);
  }

  url(kind: ReportKind, p: Partial<ReportParams> & Pick<ReportParams, 'from' | 'to'>, format?: 'csv'): URL {
    const url = new URL(`/api/reports/${kind}`, this.options.baseUrl);
    url.searchParams.set('from', new Date(p.from).toISOString());
    url.searchParams.set('to', new Date(p.to).toISOString());
    if (kind !== 'shifts' && p.interval) url.searchParams.set('interval', p.interval);
    if (kind !== 'shifts' && p.queue) url.searchParams.set('queue', p.queue);
    if (format) url.searchParams.set('format', format);
    return url;
  }

  private async get(url: URL): Promise<string> {
    const token = this.options.token();
    if (token === undefined) throw new ApiError('ERR_NOT_LOGGED_IN', 'sign in first', 0);
    return this.send(url, 'GET', token, false);
  }

  private async send(url: URL, method: string, token: string, keepalive: boolean): Promise<string> {
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method, keepalive, headers: { authorization: `Bearer ${token}`, accept: 'application/json, text/csv' } });
    } catch (cause) {
      throw new ApiError('ERR_NETWORK', `cannot reach the server (${method} ${url.pathname})`, 0, { cause });
    }
    const text = await res.text();
    if (res.ok) return text;
    let err: { code?: unknown; message?: unknown } | undefined;
    try {
      err = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    } catch {
      // not JSON (a proxy's error page): the status speaks for it
      err = undefined;
    }
    throw new ApiError(
      typeof err?.code === 'string' ? err.code : `ERR_HTTP_${res.status}`,
      typeof err?.message === 'string' ? err.message : `${method} ${url.pathname} failed with ${res.status}`,
      res.status,
    );
  }
}
