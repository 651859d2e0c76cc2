/**
 * Restart recovery as ops meet it: the real server (dist/, Redis store, embedded rtpengine and
 * PGlite) with three sip.js operators over WebSocket answering three SIPp calls is killed with
 * SIGKILL and started again on the same ports. No rtpengine of the first run is left; the operators
 * of the killed calls are paused with reason `recovered` (not stuck on a call); the killed calls'
 * records say interrupted; the bindings of the dead WebSocket flows are gone; once the operators
 * sign in, register and say they are available again, three new calls are all answered and
 * everybody ends available.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createClient } from 'redis';
import { startOperator } from '../calls/call-stack';
import { startServer, type ServerProcess } from '../e2e/server-process';
import { freeSipPort, freeTcpPort } from '../support/ports';
import { stopAll, waitFor } from '../support/processes';
import { startRedis } from '../support/redis-server';
import { assertSippPassed, runSipp, type SippRun } from '../support/sipp';

const OPERATORS = ['op1', 'op2', 'op3'];

/** Live (not zombie) rtpengine processes with this RTP port range start: ours. */
function rtpengines(portMin: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((a) => a.endsWith('rtpengine')) && args.includes(`--port-min=${portMin}`)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

function configFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'switchboard-recovery-')), 'recovery.yaml');
  writeFileSync(file, `
trunks: [{ id: local, allow: [127.0.0.1] }]
numbers: [{ number: "100", queue: support }]
queues:
  - { id: support, strategy: longest-idle, ringTimeoutMs: 10000, wrapUpMs: 0, noAnswerPause: no-answer }
roles: { admins: [op1] }
operators:
${OPERATORS.map((o) => `  - { id: ${o}, name: ${o}, sip: { username: ${o}, password: pw-${o} }, queues: [{ queue: support }] }`).join('\n')}
`);
  return file;
}

async function call(server: ServerProcess, method: string, pathname: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${server.url}${pathname}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Signs every operator in (as the softphone does), registers their sip.js phone and makes them available. */
async function operatorsReady(server: ServerProcess) {
  const tokens: Record<string, string> = {};
  const phones = [];
  for (const id of OPERATORS) {
    tokens[id] = await server.login(id, `pw-${id}`);
    phones.push(await startOperator(id, server.wsPort, { answerAfterMs: 100 }));
    const res = await call(server, 'PUT', '/api/operators/me/status', tokens[id], { status: 'available' });
    expect([id, res.status, res.body.state.status]).toEqual([id, 200, 'available']);
  }
  return { tokens, phones };
}

async function states(server: ServerProcess, tokens: Record<string, string>): Promise<Record<string, { status: string; reason?: string }>> {
  const out: Record<string, { status: string; reason?: string }> = {};
  for (const id of OPERATORS) {
    const { status, reason } = (await call(server, 'GET', '/api/operators/me', tokens[id])).body.state;
    out[id] = { status, ...(reason !== undefined ? { reason } : {}) };
  }
  return out;
}

async function recordsOf(server: ServerProcess, token: string, prefix: string): Promise<Array<{ caller: string; outcome?: string }>> {
  const body = (await call(server, 'GET', '/api/records/calls?limit=50', token)).body as { calls?: Array<{ caller: string; outcome?: string }> };
  return (body.calls ?? []).filter((c) => c.caller.startsWith(prefix));
}

const placeCalls = (sipPort: number, prefix: string, holdMs: number): Promise<SippRun[]> =>
  Promise.all([0, 1, 2].map((i) => runSipp({ scenario: 'uac-basic', remote: `127.0.0.1:${sipPort}`, service: '100', keys: { hold_ms: holdMs, caller: `${prefix}${i}` }, hardTimeoutMs: holdMs + 60_000 })));

describe('restart recovery with the Redis store', () => {
  afterAll(async () => {
    await stopAll();
  });

  it('SIGKILL during 3 calls, start again: nobody stuck, killed calls interrupted, the next 3 calls answered', async () => {
    const redis = await startRedis();
    const portMin = 20000 + ((await freeTcpPort()) % 20000);
    const sipPort = await freeSipPort(); // kept across the restart (startServer's own pick is overridden)
    let ngPort = await freeSipPort();
    while ((ngPort >= portMin && ngPort <= portMin + 199) || ngPort === sipPort) ngPort = await freeSipPort();
    const env = {
      SWITCHBOARD_CONFIG: configFile(),
      SWITCHBOARD_REDIS_URL: redis.url,
      SWITCHBOARD_REDIS_PREFIX: `recovery-${process.pid}`,
      SWITCHBOARD_RECORDS_DIR: mkdtempSync(path.join(tmpdir(), 'switchboard-recovery-records-')),
      SWITCHBOARD__instance__id: 'e2e-instance',
      SWITCHBOARD_LOG_LEVEL: process.env.SWITCHBOARD_TEST_LOG ?? 'warn',
      SWITCHBOARD__sip__listen: JSON.stringify([`sip:127.0.0.1:${sipPort};transport=udp,tcp`]),
      SWITCHBOARD_SIP_WS_PORT: String(await freeSipPort()),
      SWITCHBOARD_HTTP_PORT: String(await freeTcpPort()),
      SWITCHBOARD__media__rtpengine: JSON.stringify({ mode: 'embedded', portMin, portMax: portMin + 199, ngPort }),
    };

    // first run: three operators on three calls
    const first = await startServer(env, { startTimeoutMs: 90_000 });
    const before = await operatorsReady(first);
    const killedCalls = await placeCalls(sipPort, '49301', 600_000);
    await waitFor(async () => Object.values(await states(first, before.tokens)).every((s) => s.status === 'on-call'), 'the three operators on a call', 60_000)
      .catch(async (err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(await states(first, before.tokens))}\n${first.proc.output().slice(-4000)}`);
      });
    // the live records reach the database through the buffered writer: wait for them there
    await waitFor(async () => (await recordsOf(first, before.tokens.op1!, '49301')).length === 3, 'the live records to be written', 15_000);
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    for (const p of before.phones) await p.stop();
    await waitFor(() => rtpengines(portMin).length === 0, 'the killed server\'s rtpengine to end', 20_000);

    // second run on the same ports: the leftovers of the first are recovered before anyone comes in
    const second = await startServer(env, { startTimeoutMs: 90_000 });
    expect(rtpengines(portMin)).toHaveLength(1);
    const redisClient = createClient({ url: redis.url });
    await redisClient.connect();
    try {
      const bindingKeys = await redisClient.keys(`${env.SWITCHBOARD_REDIS_PREFIX}:{aor:*}:bindings`);
      const left = (await Promise.all(bindingKeys.map((k) => redisClient.hLen(k)))).reduce((a, b) => a + b, 0);
      expect(left).toBe(0); // the dead WebSocket flows' bindings are gone
    } finally {
      await redisClient.quit();
    }
    // the operators of the killed calls are paused with reason `recovered`, not held on dead calls
    const signedIn: Record<string, string> = {};
    for (const id of OPERATORS) signedIn[id] = await second.login(id, `pw-${id}`);
    expect(await states(second, signedIn)).toEqual(Object.fromEntries(OPERATORS.map((id) => [id, { status: 'paused', reason: 'recovered' }])));
    const after = await operatorsReady(second); // sign in, register, available: nothing refuses
    const admin = after.tokens.op1!;
    expect((await recordsOf(second, admin, '49301')).map((r) => r.outcome)).toEqual(['interrupted', 'interrupted', 'interrupted']);
    expect((await call(second, 'GET', '/api/calls/live', admin)).body.calls).toEqual([]);

    const newCalls = await placeCalls(sipPort, '49302', 1500);
    for (const run of newCalls) assertSippPassed(await run.done(), 1);
    await waitFor(async () => (await recordsOf(second, admin, '49302')).filter((r) => r.outcome === 'answered').length === 3, 'the three new calls recorded as answered', 15_000);
    await waitFor(async () => Object.values(await states(second, after.tokens)).every((s) => s.status === 'available'), 'every operator available again', 15_000);
    for (const p of after.phones) await p.stop();
    for (const run of killedCalls) await run.stop();
    await second.proc.stop();
    await redis.stop();
  }, 400_000);
});
