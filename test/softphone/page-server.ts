import * as http from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { securityHeaders } from '../../server/http/security-headers';

/** One request the stub API saw. */
export interface ApiRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface StubOperator {
  username: string;
  password: string;
  name: string;
  sipPassword: string;
  dispositions: string[];
  /** The pause menu (`desk.pauseReasons`). */
  pauseReasons: Array<{ id: string; label: string }>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json',
};

/**
 * Serves the built softphone from `root` and a stub of the HTTP API contract (softphone/README.md),
 * on 127.0.0.1 at a port the OS picks. The stub keeps one operator's state and records every call.
 */
export class PageServer {
  readonly requests: ApiRequest[] = [];
  private readonly server: http.Server;
  private readonly streams = new Set<http.ServerResponse>();
  private state: { status: string; reason?: string; since: string } = { status: 'offline', since: new Date().toISOString() };
  private readonly token = `token-${Math.random().toString(36).slice(2)}`;
  wsServer = '';

  private constructor(private readonly root: string, private readonly operator: StubOperator) {
    // the page runs under the server's own security headers (CSP with the SIP WebSocket of this test)
    this.server = http.createServer((req, res) => securityHeaders({ wsServer: this.wsServer || 'ws://127.0.0.1:1' })(req, res, (err) => {
      if (err) res.writeHead(500).end(String(err));
      else void this.handle(req, res);
    }));
  }

  static async start(root: string, operator: StubOperator): Promise<PageServer> {
    const s = new PageServer(root, operator);
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  get eventClients(): number {
    return this.streams.size;
  }

  /** Sends one Server-Sent Event to every open `/api/events` stream. */
  push(event: string, data: unknown): void {
    for (const res of this.streams) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  setState(status: string, reason?: string): void {
    this.state = { status, ...(reason ? { reason } : {}), since: new Date().toISOString() };
    this.push('operator-state', this.state);
  }

  async close(): Promise<void> {
    for (const res of this.streams) res.end();
    this.streams.clear();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith('/api/')) return this.serveFile(url.pathname, res);
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = raw ? JSON.parse(raw) : undefined;
    this.requests.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization, body });
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const route = `${req.method} ${url.pathname}`;
    if (route === 'POST /api/login') {
      const { username, password } = body as { username: string; password: string };
      if (username !== this.operator.username || password !== this.operator.password) {
        return json(401, { error: { code: 'ERR_BAD_CREDENTIALS', message: 'wrong username or password' } });
      }
      return json(200, {
        token: this.token,
        operator: { id: 'op-1', name: this.operator.name },
        sip: {
          uri: `sip:${username}@switchboard.local`, authorizationUsername: username,
          authorizationPassword: this.operator.sipPassword, wsServer: this.wsServer,
        },
      });
    }
    if (route === 'GET /api/events') {
      if (url.searchParams.get('token') !== this.token) return json(401, { error: { code: 'ERR_UNAUTHENTICATED', message: 'no token' } });
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': hello\n\n');
      this.streams.add(res);
      res.on('close', () => this.streams.delete(res));
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      return json(401, { error: { code: 'ERR_UNAUTHENTICATED', message: 'no token' } });
    }
    if (route === 'GET /api/operators/me') {
      return json(200, {
        id: 'op-1', name: this.operator.name, state: this.state, dispositions: this.operator.dispositions,
        pauseReasons: this.operator.pauseReasons, wrapUp: { extendSeconds: 30, maxTotalSeconds: 300 },
      });
    }
    if (route === 'PUT /api/operators/me/status') {
      const { status, reason } = body as { status: string; reason?: string };
      this.setState(status, reason);
      return json(200, { state: this.state });
    }
    if (route === 'POST /api/operators/me/wrap-up') {
      this.setState('available');
      return json(200, { state: this.state });
    }
    return json(404, { error: { code: 'ERR_NOT_FOUND', message: route } });
  }

  private async serveFile(pathname: string, res: http.ServerResponse): Promise<void> {
    const rel = normalize(pathname === '/' ? '/index.html' : pathname).replace(/^(\.\.[/\\])+/, '');
    try {
      const data = await readFile(join(this.root, rel));
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream' });
      res.end(data);
    } catch {
      res.writeHead(404).end();
    }
  }
}
