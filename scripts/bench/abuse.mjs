#!/usr/bin/env node
// bench:abuse — good calls during an INVITE flood from a non-trunk source. SIPp UAC (the trunk, on
// 127.0.0.1, trusted) → SIP engine (worker thread, as the server runs it, per-source limits at their
// defaults: 20 requests/s, burst 40, 10 s cool-down) + a drachtio-srf app that answers the trunk's
// INVITEs with 200 and everyone else's with 403. Phases, each --duration seconds of good calls:
//   1. baseline: good calls alone;
//   2. flood: the same good calls while scripts/bench/invite-flood.mjs sends --flood INVITE/s from 127.0.0.2;
//   3. (unless --no-compare) the flood again on an engine with no request rate limit, the behaviour before it.
// Reports good-call success and INVITE→200 p50/p99 at the UAC, the p99 ratio flood/baseline (goal < 1.2),
// response packets the flooder got back, and the memory the flood held (engine heap, process RSS).
// A 2 s warm-up of good calls comes first, unmeasured.
// Bounded: 60 s in all (the comparison is skipped when the budget runs short); every child is killed at its own limit.
//   npm run bench:abuse -- --rate 50 --duration 10 --flood 2000 --hold 500
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg, totalmem } from 'node:os';
import { join, dirname } from 'node:path';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sippResults } from './sipp-results.mjs';

const require = createRequire(import.meta.url);
const { startEngineWorker } = require('../../dist/server/sip-engine/worker.js');
const Srf = require('drachtio-srf');
const here = dirname(fileURLToPath(import.meta.url));

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1] ?? 'true']] : acc), []));
const rate = Number(args.rate ?? 50);
const duration = Number(args.duration ?? 8);
const floodRate = Number(args.flood ?? 2000);
const holdMs = Number(args.hold ?? 500);
const compare = args['no-compare'] === undefined;
if (!(duration > 0 && duration <= 15)) throw new Error('--duration: 1-15 s (the whole run stays within a minute)');

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const children = new Set();
const BUDGET_MS = 60_000;

function run(cmd, argv, limitMs, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    children.add(child);
    child.on('exit', () => children.delete(child));
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const t = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (code) => { clearTimeout(t); resolve({ code, out, err }); });
  });
}

/** SIPp's -trace_stat CSV (last line) and -trace_rtt CSV (INVITE→200 in ms). */
const results = sippResults;

/** CPU this process (engine worker + app) used while `work` ran, in % of one core. */
async function withCpu(work) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await work();
  const c = process.cpuUsage(c0);
  return { ...r, cpuPct: ((c.user + c.system) / 1000 / (performance.now() - t0)) * 100 };
}

async function goodCalls(target, seconds = duration) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-abuse-'));
  const calls = rate * seconds;
  await run('sipp', ['-i', '127.0.0.1', '-nostdin', '-sn', 'uac', target, '-p', String(await freePort()), '-r', String(rate), '-m', String(calls),
    '-d', String(holdMs), '-l', String(rate * 4 + 20), '-trace_stat', '-stf', join(dir, 'stat.csv'), '-fd', '1',
    '-trace_rtt', '-rtt_freq', '1', '-recv_timeout', '10000', '-timeout', String(duration + 20), '-timeout_error'],
  (duration + 30) * 1000, { cwd: dir });
  const r = { calls, ...results(dir) };
  rmSync(dir, { recursive: true, force: true });
  return r;
}

async function startHost(sourceLimits) {
  const sipPort = await freePort();
  const engine = await startEngineWorker({
    listen: [{ protocol: 'udp', address: '127.0.0.1', port: sipPort }],
    admin: { address: '127.0.0.1', port: await freePort(), secret: 'bench' },
    sourceLimits, logLevel: 'error',
  });
  const srf = new Srf();
  srf.connect({ host: '127.0.0.1', port: engine.adminPort, secret: 'bench' });
  await new Promise((r) => srf.once('connect', r));
  let refused = 0;
  srf.invite((req, res) => {
    if (req.source_address !== '127.0.0.1') {
      refused++;
      res.send(403);
      return;
    }
    srf.createUAS(req, res, { localSdp: SDP }).catch((err) => console.error(`good call not answered: ${err.message}`));
  });
  return {
    engine, target: `127.0.0.1:${sipPort}`, sipPort, refused: () => refused,
    async close() { srf.disconnect(); await engine.close(); },
  };
}

async function floodPhase(host) {
  const s0 = await host.engine.stats();
  const rss0 = process.memoryUsage().rss;
  const flood = run('node', [join(here, 'invite-flood.mjs'), String(host.sipPort), String(floodRate), String(duration + 1), '127.0.0.2', '0'], (duration + 15) * 1000);
  await sleep(500); // the flood is under way (and, with the limit, its source blocked) before the good calls start
  const calls = await withCpu(() => goodCalls(host.target));
  const s1 = await host.engine.stats();
  const rss1 = process.memoryUsage().rss;
  const f = await flood;
  let sent = NaN;
  let responses = NaN;
  try {
    ({ sent, responses } = JSON.parse(f.out));
  } catch {
    console.error(`flood generator: exit ${f.code} ${f.err}`);
  }
  return {
    ...calls, sent, responses, dropped: s1.limits.trips['source-request-rate'] - s0.limits.trips['source-request-rate'], refused: host.refused(),
    heapDeltaMb: (s1.heapUsedBytes - s0.heapUsedBytes) / 2 ** 20, rssDeltaMb: (rss1 - rss0) / 2 ** 20,
    serverTransactions: s1.serverTransactions,
  };
}

const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const callLine = (label, r) => `${label.padEnd(26)} ${r.successful}/${r.calls} ok, ${r.failed} failed, INVITE→200 p50 ${r.p50} ms, p99 ${r.p99} ms; engine + app CPU ${fmt(r.cpuPct, 0)} % of a core`;
const floodLine = (r) => `  flood: ${r.sent} INVITEs from 127.0.0.2, ${r.responses} response packets back (${fmt(r.responses / r.sent, 3)} per INVITE), ` +
  `${r.dropped} dropped unparsed, ${r.refused} reached the app; engine heap ${fmt(r.heapDeltaMb)} MB, process RSS ${fmt(r.rssDeltaMb)} MB more at the flood's end, ` +
  `${r.serverTransactions} server transactions live`;

async function main() {
  const started = Date.now();
  // the whole run stays within its budget, whatever the machine's load: past it, every child is killed
  setTimeout(() => {
    console.log(`time budget of ${BUDGET_MS / 1000} s spent: stopping (the figures above stand)`);
    for (const c of children) c.kill('SIGKILL');
    process.exit(2);
  }, BUDGET_MS).unref();
  console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown'}, ${Math.round(totalmem() / 2 ** 30)} GB; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`good calls: ${rate} calls/s for ${duration} s, held ${holdMs} ms, from 127.0.0.1 (trusted trunk); flood: ${floodRate} INVITE/s from 127.0.0.2`);

  const host = await startHost({ requestsPerSecond: 20, burst: 40, blockSeconds: 10, trusted: ['127.0.0.1'] });
  await goodCalls(host.target, 2); // warm-up (JIT, first connections), not measured: the baseline must not be the cold run
  await sleep(holdMs + 500);
  const h0 = (await host.engine.stats()).heapUsedBytes;
  const rss0 = process.memoryUsage().rss;
  const base = await withCpu(() => goodCalls(host.target));
  console.log(callLine('baseline', base));
  console.log(`  no flood: engine heap ${fmt(((await host.engine.stats()).heapUsedBytes - h0) / 2 ** 20)} MB, process RSS ${fmt((process.memoryUsage().rss - rss0) / 2 ** 20)} MB more at the end (the good calls' own share)`);
  await sleep(holdMs + 1000);
  const flood = await floodPhase(host);
  console.log(callLine('flood, per-source limit', flood));
  console.log(floodLine(flood));
  await host.close();
  console.log(`p99 ratio flood/baseline: ${fmt(flood.p99 / base.p99, 2)} (goal < 1.2); p50 ratio ${fmt(flood.p50 / base.p50, 2)}`);

  if (compare && Date.now() - started > BUDGET_MS - (duration + 12) * 1000) {
    console.log('flood without the rate limit: skipped, not enough of the time budget left (a loaded machine)');
  } else if (compare) {
    const open = await startHost({ requestsPerSecond: Infinity, trusted: ['127.0.0.1'] });
    const r = await floodPhase(open);
    console.log(callLine('flood, no rate limit', r));
    console.log(floodLine(r));
    console.log(`p99 ratio without the limit: ${fmt(r.p99 / base.p99, 2)}`);
    await open.close();
  }
  console.log(`run took ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(0);
}

main().catch((err) => { console.error(err); process.exit(1); });
