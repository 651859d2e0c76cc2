#!/usr/bin/env node
// bench:sip — SIPp UAC → SIP engine (worker thread) + a minimal drachtio-srf B2BUA → SIPp UAS, over
// UDP on 127.0.0.1. Steps the call rate up and reports, per step, failed calls and the INVITE→200
// time at the UAC (p50/p99) and the CPU of this process (engine worker + app) and of the app's thread
// alone; then the same SIPp pair talking directly, as the ceiling.
// Bounded: each step runs --duration seconds (default 30) and is killed after twice that.
//   npm run bench:sip -- --rates 200,400,500,600,800,1000 --duration 20 --hold 500
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { sippResults } from './sipp-results.mjs';

const require = createRequire(import.meta.url);
const { startEngineWorker } = require('../../dist/server/sip-engine/worker.js');
const Srf = require('drachtio-srf');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const rates = (args.rates ?? '200,400,500,600,800,1000').split(',').map(Number);
const duration = Number(args.duration ?? 30);
const holdMs = Number(args.hold ?? 1000);

const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });

function runSipp(argv, limitMs, cwd) {
  return new Promise((resolve) => {
    const child = spawn('sipp', ['-i', '127.0.0.1', '-nostdin', ...argv], { stdio: ['ignore', 'ignore', 'pipe'], cwd });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    const t = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('exit', (code) => { clearTimeout(t); resolve({ code, err }); });
  });
}

function startSipp(argv) {
  const child = spawn('sipp', ['-i', '127.0.0.1', '-nostdin', ...argv], { stdio: 'ignore' });
  return child;
}

/** Parses SIPp's -trace_stat CSV (last line) and -trace_rtt CSV (response times in ms). */
const results = sippResults;

async function step(rate, target, uasPort) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sip-'));
  const uas = startSipp(['-sn', 'uas', '-p', String(uasPort)]);
  await new Promise((r) => setTimeout(r, 300));
  const calls = rate * duration;
  const { code } = await runSipp(['-sn', 'uac', target, '-p', String(await freePort()), '-r', String(rate), '-m', String(calls),
    '-d', String(holdMs), '-l', String(rate * (holdMs / 1000 + 2) + 50), '-trace_stat', '-stf', join(dir, 'stat.csv'), '-fd', '1',
    '-trace_rtt', '-rtt_freq', '1', '-recv_timeout', '10000', '-timeout', String(duration * 2 + 20), '-timeout_error'],
    (duration * 2 + 30) * 1000, dir);
  uas.kill('SIGKILL');
  // sipp writes the rtt file next to the scenario name in its working directory
  return { rate, code, ...results(dir) };
}

async function main() {
  const cpu = cpus()[0]?.model ?? 'unknown';
  console.log(`machine: ${cpus().length} cores, ${cpu}`);
  console.log(`steps: ${rates.join(', ')} calls/s for ${duration}s each, calls held ${holdMs} ms`);
  const uasPort = await freePort();
  const sipPort = await freePort();
  const engine = await startEngineWorker({
    listen: [{ protocol: 'udp', address: '127.0.0.1', port: sipPort }],
    admin: { address: '127.0.0.1', port: await freePort(), secret: 'bench' },
    logLevel: 'error',
  });
  const srf = new Srf();
  srf.connect({ host: '127.0.0.1', port: engine.adminPort, secret: 'bench' });
  await new Promise((r) => srf.once('connect', r));
  srf.invite((req, res) => {
    srf.createB2BUA(req, res, `sip:service@127.0.0.1:${uasPort}`, { localSdpB: req.body })
      .then(({ uas, uac }) => {
        uas.on('destroy', () => uac.destroy().catch(() => undefined));
        uac.on('destroy', () => uas.destroy().catch(() => undefined));
      })
      .catch(() => undefined);
  });

  const rows = [];
  let best = 0;
  for (const rate of rates) {
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    const r = await step(rate, `127.0.0.1:${sipPort}`, uasPort);
    const wallUs = (performance.now() - t0) * 1000;
    const cpu = process.cpuUsage(cpu0);
    const processCpu = Math.round(((cpu.user + cpu.system) / wallUs) * 100);
    const appBusy = Math.round(performance.eventLoopUtilization(elu0).utilization * 100);
    rows.push(r);
    console.log(`engine  ${String(rate).padStart(4)} cps: ${r.successful} ok, ${r.failed} failed, INVITE→200 p50 ${r.p50} ms, p99 ${r.p99} ms; CPU engine+app ${processCpu} % of a core, app thread busy ${appBusy} %`);
    if (r.failed === 0 && r.successful === rate * duration) best = rate;
    else break;
    await new Promise((res) => setTimeout(res, 3000)); // let the previous step's dialogs drain
  }
  srf.disconnect();
  await engine.close();

  const ceilingRate = rates[rates.length - 1];
  const ceiling = await step(ceilingRate, `127.0.0.1:${uasPort}`, uasPort);
  console.log(`direct  ${String(ceilingRate).padStart(4)} cps: ${ceiling.successful} ok, ${ceiling.failed} failed, INVITE→200 p50 ${ceiling.p50} ms, p99 ${ceiling.p99} ms (SIPp UAC → SIPp UAS, no engine)`);
  console.log(`highest rate held for ${duration}s with zero failed calls: ${best} calls/s`);
  process.exit(0);
}

main().catch((err) => { console.error(err); process.exit(1); });
