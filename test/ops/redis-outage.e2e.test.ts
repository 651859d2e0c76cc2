/**
 * Redis stops answering (SIGSTOP) for 20 s during live calls, with the real parts: the server from
 * dist/ (Redis store, embedded rtpengine, PGlite), a real redis-server, SIPp trunk callers whose
 * audio is an RtpEndpoint sending a tone, and two operators whose media is a WebRTC peer in headless
 * Chromium (fake microphone: 440 Hz).
 *
 * What the product promises (README "Redis outage"):
 * - calls in progress keep their audio both ways, and their records have the talk time of our clock;
 * - the API answers 503 within the Redis command timeout instead of hanging;
 * - a caller arriving once the outage is known gets 503 + Retry-After before being answered;
 * - a caller answered just before the outage was known hears the music and is queued once Redis
 *   answers (not answered and then dropped);
 * - an operator who hangs up during the outage is not left on-call: the routing report is kept and
 *   sent once Redis answers; afterwards both operators take calls, and every call has its record.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Invitation } from 'sip.js';
import { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { startServer, type ServerProcess } from '../e2e/server-process';
import { startMicBrowser, trunkHears } from '../media/in-call-helpers';
import { startWebrtcOperator, type OperatorSession, type WebrtcOperator } from '../media/webrtc-operator';
import { stopAll, waitFor } from '../support/processes';
import { startRedis, type TestRedis } from '../support/redis-server';
import { assertSippPassed, runSipp, type SippRun } from '../support/sipp';

const LONG = 60_000;
const OPERATOR_HZ = 440;
const OUTAGE_MS = 20_000;
// long enough that a caller spawned right after SIGSTOP reaches the server before a command has
// failed, even on a loaded machine (the window in which a call is answered before the outage is known)
const COMMAND_TIMEOUT_MS = 5000;

interface Trunk { name: string; hz: number; sipp: SippRun; media: RtpEndpoint }

function configFile(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'switchboard-outage-')), 'outage.yaml');
  writeFileSync(file, `
trunks: [{ id: local, allow: [127.0.0.1] }]
numbers: [{ number: "100", queue: support }]
queues:
  - { id: support, strategy: longest-idle, ringTimeoutMs: 30000, wrapUpMs: 0, noAnswerPause: no-answer }
roles: { admins: [op1] }
operators:
  - { id: op1, name: op1, sip: { username: op1, password: pw-op1 }, queues: [{ queue: support }] }
  - { id: op2, name: op2, sip: { username: op2, password: pw-op2 }, queues: [{ queue: support }] }
`);
  return file;
}

async function api(server: ServerProcess, method: string, pathname: string, token: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  // bounded: a request that hangs through the outage fails the test
  const res = await fetch(`${server.url}${pathname}`, {
    method, signal: AbortSignal.timeout(4 * COMMAND_TIMEOUT_MS),
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Waits until the trunk receives audio from the relay, and sends its tone to where that comes from. */
async function followRelay(trunk: Trunk): Promise<void> {
  const before = new Map(trunk.media.receivedFrom());
  let source: string | undefined;
  await waitFor(() => {
    source = [...trunk.media.receivedFrom()].find(([from, n]) => n - (before.get(from) ?? 0) >= 25)?.[0];
    return source !== undefined;
  }, `audio from the relay at trunk ${trunk.name}`, LONG);
  const [host, port] = source!.split(':');
  trunk.media.useRemoteSdp(`v=0\r\no=- 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\n`);
  trunk.media.startSending(trunk.hz);
}

async function callIn(server: ServerProcess, name: string, hz: number, trunks: Trunk[]): Promise<Trunk> {
  const media = await RtpEndpoint.open({ codec: 'PCMU', maxSendSeconds: 600 });
  const sipp = await runSipp({
    scenario: 'uac-trunk-media-reinvite', remote: `127.0.0.1:${server.sipPort}`, service: '100',
    keys: { rtp_port: media.port, caller: `4955${hz}` }, recvTimeoutMs: 200_000, hardTimeoutMs: 240_000,
  });
  const trunk = { name, hz, sipp, media };
  trunks.push(trunk);
  return trunk;
}

async function expectAudioBothWays(trunk: Trunk, s: OperatorSession): Promise<void> {
  trunk.media.clearReceived();
  expect(await trunkHears(trunk.media, OPERATOR_HZ, LONG)).toMatchObject({ detected: true });
  expect(await s.peer.detectTone(trunk.hz, LONG)).toMatchObject({ detected: true });
}

/** The newest established session of `op` that `known` does not hold yet. */
async function answered(op: WebrtcOperator, known: Set<Invitation>): Promise<OperatorSession> {
  let found: OperatorSession | undefined;
  await waitFor(() => {
    found = op.sessions.find((x) => !known.has(x.inv) && x.inv.state === 'Established' && x.answers >= 1);
    return found !== undefined;
  }, `${op.id} to answer`, LONG);
  known.add(found!.inv);
  return found!;
}

describe('Redis stopped for 20 s during calls', () => {
  let redis: TestRedis | undefined;
  let mic: Awaited<ReturnType<typeof startMicBrowser>> | undefined;
  const operators: WebrtcOperator[] = [];
  const trunks: Trunk[] = [];

  afterAll(async () => {
    if (redis && redis.process.child.exitCode === null) redis.process.child.kill('SIGCONT');
    for (const t of trunks) await t.media.close();
    for (const o of operators) await o.stop().catch(() => undefined);
    await stopAll();
    await mic?.close();
  });

  it('calls keep audio and true talk times, the API answers 503, new callers are refused or queued late, nobody is stuck, no record lost', async () => {
    redis = await startRedis();
    mic = await startMicBrowser(OPERATOR_HZ);
    const server = await startServer({
      SWITCHBOARD_CONFIG: configFile(),
      SWITCHBOARD_REDIS_URL: redis.url,
      SWITCHBOARD_REDIS_PREFIX: `outage-${process.pid}`,
      SWITCHBOARD__redis__commandTimeoutMs: String(COMMAND_TIMEOUT_MS),
      SWITCHBOARD_LOG_LEVEL: process.env.SWITCHBOARD_TEST_LOG ?? 'warn',
    }, { startTimeoutMs: 240_000 });
    const tokens: Record<string, string> = {};
    for (const id of ['op1', 'op2']) {
      tokens[id] = await server.login(id, `pw-${id}`);
      operators.push(await startWebrtcOperator(id, server.wsPort, mic.browser));
    }
    const [op1, op2] = operators as [WebrtcOperator, WebrtcOperator];
    const known = new Set<Invitation>();
    const setAvailable = async (id: string) => expect((await api(server, 'PUT', '/api/operators/me/status', tokens[id]!, { status: 'available' })).status).toBe(200);

    // A talks with op1, B with op2: audio both ways
    await setAvailable('op1');
    const a = await callIn(server, 'A', 1000, trunks);
    await followRelay(a);
    const sA = await answered(op1, known);
    await expectAudioBothWays(a, sA);
    await setAvailable('op2');
    const b = await callIn(server, 'B', 1600, trunks);
    await followRelay(b);
    const sB = await answered(op2, known);
    const bAnsweredAt = Date.now();
    await expectAudioBothWays(b, sB);

    // Redis stops answering; D arrives at once, most likely before any command has failed: then it is
    // answered and hears the music (and is queued once Redis answers); if the outage was already
    // known, it is refused with 503 before being answered. Either is what the product promises.
    redis.process.child.kill('SIGSTOP');
    const outageStart = Date.now();
    const d = await callIn(server, 'D', 700, trunks);
    const dFate = await Promise.race([
      followRelay(d).then(() => 'answered' as const, (err: Error) => err),
      d.sipp.done().then(() => 'refused' as const),
    ]);
    if (dFate instanceof Error) throw dFate;

    // the API answers 503 (bounded by api()'s timeout: it does not hang for the outage)
    const during = await api(server, 'GET', '/api/operators/me', tokens.op1!);
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ error: { code: 'ERR_STORE_UNAVAILABLE' } });

    // the outage is known: a new caller gets 503 before being answered
    const c = await runSipp({ scenario: 'uac-expect-status', remote: `127.0.0.1:${server.sipPort}`, service: '100', keys: { status: 503, caller: '4955503' } });
    assertSippPassed(await c.done(), 1);

    // the calls in progress keep their audio both ways; op2 hangs up B during the outage
    await expectAudioBothWays(a, sA);
    await expectAudioBothWays(b, sB);
    sB.inv.bye();
    await b.sipp.done();
    const bTalkSeconds = (Date.now() - bAnsweredAt) / 1000;

    // Redis is back after 20 s (the length of the outage is what this test is about)
    await waitFor(() => Date.now() - outageStart >= OUTAGE_MS, 'the outage to have lasted 20 s', OUTAGE_MS + 1000);
    redis.process.child.kill('SIGCONT');
    await waitFor(async () => (await api(server, 'GET', '/api/operators/me', tokens.op1!)).status === 200, 'the API to answer again', LONG);

    // op2 was released by the kept hang-up report and takes D, who waited with music meanwhile
    // (or, if D was refused, the next caller E)
    const next = dFate === 'answered' ? d : await callIn(server, 'E', 1300, trunks);
    if (dFate === 'refused') await followRelay(next);
    const sNext = await answered(op2, known);
    await followRelay(next);
    await expectAudioBothWays(next, sNext);
    sA.inv.bye();
    sNext.inv.bye();
    await Promise.all([a.sipp.done(), next.sipp.done()]);

    // nobody stuck: both available again; every answered call has its record, B's talk time is ours
    await waitFor(async () => {
      const states = await Promise.all(['op1', 'op2'].map(async (id) => (await api(server, 'GET', '/api/operators/me', tokens[id]!)).body.state.status));
      return states.every((st) => st === 'available');
    }, 'both operators available', LONG);
    type Rec = { caller: string; outcome?: string; answeredAt?: string; endedAt?: string; operatorId?: string };
    let records: Rec[] = [];
    await waitFor(async () => {
      records = ((await api(server, 'GET', '/api/records/calls?limit=50', tokens.op1!)).body.calls as Rec[]).filter((r) => r.caller.startsWith('4955'));
      return records.filter((r) => r.outcome !== undefined).length === 3;
    }, 'three records', LONG);
    const byCaller = Object.fromEntries(records.map((r) => [r.caller, r]));
    expect(byCaller['49551000']).toMatchObject({ outcome: 'answered', operatorId: 'op1' });
    expect(byCaller['49551600']).toMatchObject({ outcome: 'answered', operatorId: 'op2' });
    expect(byCaller[`4955${next.hz}`]).toMatchObject({ outcome: 'answered', operatorId: 'op2' });
    expect(byCaller['4955503']).toBeUndefined(); // refused before being answered: not a call
    if (dFate === 'refused') expect(byCaller['4955700']).toBeUndefined();
    const talk = (r: Rec) => (Date.parse(r.endedAt!) - Date.parse(r.answeredAt!)) / 1000;
    expect(Math.abs(talk(byCaller['49551600']!) - bTalkSeconds)).toBeLessThan(3);

    // the repairs are counted
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const sample = (kind: string) => Number(new RegExp(`^switchboard_recoveries_total\\{kind="${kind}"\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(sample('routing-report-retried')).toBeGreaterThanOrEqual(1);
    expect(sample('call-queued-late')).toBe(dFate === 'answered' ? 1 : 0);
    console.log(`caller D arriving right after SIGSTOP was ${dFate}`);
    await server.proc.stop();
  }, 600_000);
});
