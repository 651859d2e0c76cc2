import {
  ApiError, parseCustomer, parseCustomerCard, parseExtendResult, parseLoginResult, parseOperatorInfo, parseStateResponse, parseTransferTargets,
  type Customer, type CustomerCard, type CustomerFields, type ExtendResult, type LoginResult, type TransferTargets, type OperatorInfo, type OperatorState, type StatusRequest, type WrapUpRequest,
} from './contract';

export interface ApiClientOptions {
  /** Origin of the server; the page passes `location.origin`. */
  baseUrl: string;
  /** Injected for tests; defaults to the global `fetch`. */
  fetch?: typeof fetch;
}

/** The softphone's HTTP client. `login` keeps the token for the authenticated calls. */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private bearer: string | undefined;

  constructor(options: ApiClientOptions) {
    this.baseUrl = options.baseUrl;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  get token(): string | undefined {
    return this.bearer;
  }

  /** `routing: false` for pages that take no calls (reports): the operator's routing state is left alone. */
  async login(username: string, password: string, options: { routing?: boolean } = {}): Promise<LoginResult> {
    const result = parseLoginResult(await this.request('POST', '/api/login', { username, password, ...(options.routing === false ? { routing: false } : {}) }, false));
    this.bearer = result.token;
    return result;
  }

  /** Forgets the token (the server session simply expires). */
  logout(): void {
    this.bearer = undefined;
  }

  async me(): Promise<OperatorInfo> {
    return parseOperatorInfo(await this.request('GET', '/api/operators/me'));
  }

  async setStatus(request: StatusRequest): Promise<OperatorState> {
    return parseStateResponse(await this.request('PUT', '/api/operators/me/status', request));
  }

  async wrapUp(request: WrapUpRequest): Promise<OperatorState> {
    const body: WrapUpRequest = { disposition: request.disposition };
    if (request.notes) body.notes = request.notes;
    return parseStateResponse(await this.request('POST', '/api/operators/me/wrap-up', body));
  }

  /** Adds the server's configured step to the running wrap-up; ERR_WRAP_UP_LIMIT at the limit. */
  async extendWrapUp(): Promise<ExtendResult> {
    return parseExtendResult(await this.request('POST', '/api/operators/me/wrap-up/extend'));
  }

  async transferTargets(): Promise<TransferTargets> {
    return parseTransferTargets(await this.request('GET', '/api/transfer-targets'));
  }

  /** Makes the signed-in operator's connected consultation a three-way conference with the caller. */
  async conference(): Promise<void> {
    await this.request('POST', '/api/operators/me/conference');
  }

  /** The screen-pop card of the caller `phone` (as the call shows it). */
  async customerCard(phone: string): Promise<CustomerCard> {
    return parseCustomerCard(await this.request('GET', `/api/customers/lookup?phone=${encodeURIComponent(phone)}`));
  }

  /** The queue's call script (Markdown); undefined when it has none (or the server keeps no scripts: 404). */
  async callScript(queue: string): Promise<string | undefined> {
    let body: unknown;
    try {
      body = await this.request('GET', `/api/scripts/${encodeURIComponent(queue)}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
    const markdown = (body as { markdown?: unknown } | null)?.markdown;
    return typeof markdown === 'string' ? markdown : undefined;
  }

  /** A new customer owning `phone`. */
  async createCustomer(phone: string, fields: CustomerFields): Promise<Customer> {
    return parseCustomer(await this.request('POST', '/api/customers', { ...fields, phones: [phone] }));
  }

  async updateCustomer(id: string, fields: CustomerFields): Promise<Customer> {
    return parseCustomer(await this.request('PATCH', `/api/customers/${encodeURIComponent(id)}`, fields));
  }

  /** The Server-Sent Events URL; EventSource cannot send headers, so the token rides in the query. */
  eventsUrl(): string {
    const url = new URL('/api/events', this.baseUrl);
    url.searchParams.set('token', this.requireToken());
    return url.toString();
  }

  private requireToken(): string {
    if (this.bearer === undefined) throw new ApiError('ERR_NOT_LOGGED_IN', 'log in first', 0);
    return this.bearer;
  }

  private async request(method: string, path: string, body?: unknown, auth = true): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth) headers.authorization = `Bearer ${this.requireToken()}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchImpl(new URL(path, this.baseUrl), {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      });
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
      const code = typeof err?.code === 'string' ? err.code : `ERR_HTTP_${res.status}`;
      const message = typeof err?.message === 'string' ? err.message : `${method} ${path} failed with ${res.status}`;
      throw new ApiError(code, message, res.status);
    }
    return json;
  }
}
