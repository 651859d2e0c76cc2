/**
 * Sign-in sessions across a restart, as ops meet it: the real server (dist/) with the Redis store is
 * stopped (SIGTERM) and started again; the operator's bearer token still works, without signing in
 * again. Signing out removes it for good (also across the next restart).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startServer, type ServerProcess } from '../e2e/server-process';
import { freeTcpPort } from '../support/ports';
import { stopAll } from '../support/processes';
import { startRedis } from '../support/redis-server';

function configFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'switchboard-sessions-')), 'sessions.yaml');
  writeFileSync(file, `
trunks: [{ id: local, allow: [127.0.0.1] }]
numbers: [{ number: "100", queue: support }]
queues: [{ id: support, strategy: longest-idle }]
operators:
  - { id: op1, name: op1, sip: { username: op1, password: pw-op1 }, queues: [{ queue: support }] }
  - { id: op2, name: op2, sip: { username: op2, password: pw-op2 }, queues: [{ queue: support }] }
`);
  return file;
}

const me = async (server: ServerProcess, token: string) => (await fetch(`${server.url}/api/operators/me`, { headers: { authorization: `Bearer ${token}` } })).status;

describe('sign-in sessions with the Redis store', () => {
  afterAll(async () => {
    await stopAll();
  });

  it('survive a restart of the server; a signed-out one does not', async () => {
    const redis = await startRedis();
    const env = {
      SWITCHBOARD_CONFIG: configFile(),
      SWITCHBOARD_REDIS_URL: redis.url,
      SWITCHBOARD_REDIS_PREFIX: `sessions-${process.pid}`,
      SWITCHBOARD_RECORDS_DIR: mkdtempSync(path.join(tmpdir(), 'switchboard-sessions-records-')),
      SWITCHBOARD_HTTP_PORT: String(await freeTcpPort()),
    };
    const first = await startServer(env, { startTimeoutMs: 240_000 });
    const kept = await first.login('op1', 'pw-op1');
    const signedOut = await first.login('op2', 'pw-op2');
    expect([await me(first, kept), await me(first, signedOut)]).toEqual([200, 200]);
    expect((await fetch(`${first.url}/api/logout`, { method: 'POST', headers: { authorization: `Bearer ${signedOut}` } })).status).toBe(200);
    await first.proc.stop();

    const second = await startServer(env, { startTimeoutMs: 240_000 });
    expect(await me(second, kept)).toBe(200);
    expect(await me(second, signedOut)).toBe(401);
    expect(await me(second, 'never-issued')).toBe(401);
    await second.proc.stop();
  }, 600_000);
});
