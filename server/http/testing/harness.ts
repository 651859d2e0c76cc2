import { routingConfig } from '../../calls/direct-queues';
/**
 * In-memory deps for the http tests: the real Acd over the real MemoryAcdStore, the directory
 * built from a parsed configuration, and small in-memory stores that implement the deps
 * interfaces. `startTestServer` listens on 127.0.0.1 with a port the OS picks.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { ConfigSchema } from '../../../config';
import { Acd } from '../../routing';
import { MemoryAcdStore } from '../../store/memory-store';
import { createApp, type HttpApp } from '../app';
import type { CallRecord, CdrFilter, CdrStore, DispositionSink, HttpDeps, HttpOptions, LiveCallView, LiveCalls } from '../deps';
import { ServerEventBus } from '../event-bus';
import { createOperatorDirectory } from '../operator-directory';

export class MemoryCdrStore implements CdrStore {
  readonly records: CallRecord[] = [];

  async query(filter: CdrFilter): Promise<CallRecord[]> {
    return this.records
      .filter((r) =>
        (filter.from === undefined || r.arrivedAt >= filter.from) &&
        (filter.to === undefined || r.arrivedAt < filter.to) &&
        (filter.queue === undefined || r.queue === filter.queue) &&
        (filter.operatorId === undefined || r.operatorId === filter.operatorId) &&
        (filter.handledBy === undefined || r.operatorId === filter.handledBy || r.segments.some((s) => s.operatorId === filter.handledBy)) &&
        (filter.outcome === undefined || r.outcome === filter.outcome))
      .sort((a, b) => b.arrivedAt - a.arrivedAt)
      .slice(0, filter.limit ?? Infinity);
  }
}

export class MemoryDispositions implements DispositionSink {
  readonly recorded: Array<{ callId: string; operatorId: string; disposition: string; notes?: string }> = [];
  constructor(readonly codes: readonly string[] = ['resolved', 'callback', 'escalated']) {}
  record(callId: string, operatorId: string, disposition: string, notes?: string): void {
    this.recorded.push({ callId, operatorId, disposition, ...(notes !== undefined ? { notes } : {}) });
  }
}

export class MemoryLiveCalls implements LiveCalls {
  calls: LiveCallView[] = [];
  live(): LiveCallView[] {
    return this.calls;
  }
}

export const REALM = 'switchboard.test';
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** alice has a password; bob only its HA1; both answer the `support` queue (no wrap-up: 5 s). alice is an admin. */
export const TEST_CONFIG = ConfigSchema.parse({
  roles: { admins: ['alice'] },
  sip: { realm: REALM, ws: { address: '127.0.0.1', port: 8088 } },
  queues: [{ id: 'support', strategy: 'longest-idle', wrapUpMs: 5_000 }],
  operators: [
    { id: 'alice', name: 'Alice', sip: { username: 'alice', password: 'alice-pw' }, queues: [{ queue: 'support' }] },
    {
      id: 'bob', name: 'Bob',
      sip: { username: '1002', ha1: { md5: md5(`1002:${REALM}:bob-pw`), sha256: '0'.repeat(64) } },
      queues: [{ queue: 'support' }],
    },
  ],
});

export interface TestServer {
  url: string;
  deps: HttpDeps;
  acd: Acd;
  /** The acd's store: a second Acd over it acts like another instance of the server. */
  store: MemoryAcdStore;
  http: HttpApp;
  cdrs: MemoryCdrStore;
  dispositions: MemoryDispositions;
  calls: MemoryLiveCalls;
  bus: ServerEventBus;
  softphoneDir: string;
  clock: { now: number };
  close(): Promise<void>;
}

/** `extra` adds or replaces deps (e.g. `records`). */
export async function startTestServer(options: HttpOptions = {}, extra: Partial<HttpDeps> = {}): Promise<TestServer> {
  const clock = { now: Date.UTC(2025, 0, 15, 9, 0, 0) };
  let ids = 0;
  const store = new MemoryAcdStore();
  const acd = new Acd({ store, now: () => clock.now, newId: () => `id${++ids}`, random: () => 0.5 });
  await acd.configure(routingConfig(TEST_CONFIG)); // as the server configures it, direct queues included
  const softphoneDir = mkdtempSync(path.join(tmpdir(), 'switchboard-http-'));
  writeFileSync(path.join(softphoneDir, 'index.html'), '<!doctype html><title>Switchboard</title>');
  writeFileSync(path.join(softphoneDir, 'app.js'), 'export {};\n');
  let tokens = 0;
  const cdrs = new MemoryCdrStore();
  const dispositions = new MemoryDispositions();
  const calls = new MemoryLiveCalls();
  const bus = new ServerEventBus();
  const deps: HttpDeps = {
    acd,
    operators: createOperatorDirectory(TEST_CONFIG),
    calls,
    cdrs,
    dispositions,
    events: bus,
    softphoneDir,
    now: () => clock.now,
    newToken: () => `token-${++tokens}`,
    ...extra,
  };
  const http = createApp(deps, options);
  const server: Server = await new Promise((resolve) => {
    const s = http.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`, deps, acd, store, http, cdrs, dispositions, calls, bus, softphoneDir, clock,
    async close() {
      http.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      acd.close();
      rmSync(softphoneDir, { recursive: true, force: true });
    },
  };
}

/** JSON request helper: `{ status, body, headers }`. */
export async function call(url: string, method: string, token?: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Signs in; returns the token. */
export async function login(t: TestServer, username = 'alice', password = 'alice-pw'): Promise<string> {
  const res = await call(`${t.url}/api/login`, 'POST', undefined, { username, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}
