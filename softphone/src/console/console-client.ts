/**
 * The console's HTTP side: the console itself (to check the role before opening the stream), the
 * stream URL, and the actions. Failures are `ApiError`s with the server's code and status.
 */
import { ApiError } from '../api/contract';

export interface ConsoleClientOptions {
  baseUrl: string;
  token: () => string | undefined;
  fetch?: typeof fetch;
}

export type OperatorStatus = { status: 'available' } | { status: 'paused'; reason: string } | { status: 'offline' };

export class ConsoleClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: ConsoleClientOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The whole console now; 403 `ERR_FORBIDDEN` for an operator. */
  async console(): Promise<unknown> {
    return this.send('GET', '/api/supervisor/console');
  }

  /** Server-Sent Events; EventSource cannot send headers, so the token rides in the query. */
  eventsUrl(): string {
    const url = new URL('/api/supervisor/events', this.options.baseUrl);
    url.searchParams.set('token', this.token());
    return url.toString();
  }

  async move(callId: string, queue: string): Promise<void> {
    await this.send('POST', `/api/supervisor/calls/${encodeURIComponent(callId)}/move`, { queue });
  }

  async assign(callId: string, operatorId: string): Promise<void> {
    await this.send('POST', `/api/supervisor/calls/${encodeURIComponent(callId)}/assign`, { operatorId });
  }

  async priority(callId: string, priority: number): Promise<void> {
    await this.send('POST', `/api/supervisor/calls/${encodeURIComponent(callId)}/priority`, { priority });
  }

  async setOperatorStatus(operatorId: string, status: OperatorStatus): Promise<void> {
    await this.send('PUT', `/api/operators/${encodeURIComponent(operatorId)}/status`, status);
  }

  async logout(keepalive = false): Promise<void> {
    if (this.options.token() === undefined) return;
    await this.send('POST', '/api/logout', undefined, keepalive);
  }

  private token(): string {
    const token = this.options.token();
    if (token === undefined) throw new ApiError('ERR_NOT_LOGGED_IN', 'sign in first', 0);
    return token;
  }

  private async send(method: string, path: string, body?: unknown, keepalive = false): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${this.token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchImpl(new URL(path, this.options.baseUrl), { method, headers, keepalive, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (cause) {
      throw new ApiError('ERR_NETWORK', `cannot reach the server (${method} ${path})`, 0, { cause });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch (cause) {
      if (res.ok) throw new ApiError('ERR_BAD_RESPONSE', `${method} ${path} answered with invalid JSON`, res.status, { cause });
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      throw new ApiError(typeof err?.code === 'string' ? err.code : `ERR_HTTP_${res.status}`, typeof err?.message === 'string' ? err.message : `${method} ${path} failed with ${res.status}`, res.status);
    }
    return json;
  }
}
