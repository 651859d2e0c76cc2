#!/usr/bin/env node
// bench:calls — whole calls under a bounded load: Switchboard as users run it (node
// dist/server/main.js) with a generated config of OPERATORS operators in one queue; the operators
// (sip.js over WebSocket, another process) answer automatically; SIPp as the trunk calls number 100
// at RATE calls/s for DURATION s, each call held HOLD ms (RTP from the relay: music on hold, then
// the bridge). Reports answered calls per second, the time from the call's arrival to the
// operator's INVITE (p50/p99), and the CPU of Switchboard and rtpengine per concurrent call.
// --transfer-share 0.3: that share of the calls is blind-transferred once (REFER) by the operator who
// answered to an idle colleague; adds the transfer set-up time (REFER → final NOTIFY) p50/p99.
//   npm run bench:calls -- --rate 10 --duration 60 --hold 3000 --operators 40 [--transfer-share 0.3]
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const rate = Number(args.rate ?? 10);
const duration = Number(args.duration ?? 60);
const hold = Number(args.hold ?? 3000);
const operators = Number(args.operators ?? 40);
const transferShare = Number(args['transfer-share'] ?? 0);
if (!(transferShare >= 0 && transferShare <= 1)) throw new Error('--transfer-share: expected a share between 0 and 1');
const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });
const ticks = 100; // USER_HZ
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / ticks;
  } catch { return 0; }
}
function waitForLine(child, text, ms) {
  return new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`no "${text}" within ${ms} ms: ${out.slice(-2000)}`)), ms);
    child.stdout.on('data', (d) => { out += d; if (out.includes(text)) { clearTimeout(t); resolve(); } });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out.slice(-2000)}`)));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'bench-calls-'));
const config = join(dir, 'bench.yaml');
writeFileSync(config, [
  'trunks: [{ id: local, allow: [127.0.0.1] }]',
  'numbers: [{ number: "100", queue: support }]',
  'queues: [{ id: support, strategy: longest-idle, ringTimeoutMs: 10000, wrapUpMs: 0 }]',
  'operators:',
  ...Array.from({ length: operators }, (_, i) => `  - { id: op${i}, name: Operator ${i}, sip: { username: op${i}, password: pw-op${i} }, queues: [{ queue: support }] }`),
  'logging: { level: warn }',
  '',
].join('\n'));
const sipPort = await freePort();
const wsPort = await freePort();
const httpPort = await freePort();
const server = spawn('node', [join(root, 'dist/server/main.js')], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    ...process.env, SWITCHBOARD_CONFIG: config, SWITCHBOARD_HTTP_PORT: String(httpPort), SWITCHBOARD_SIP_WS_PORT: String(wsPort),
    SWITCHBOARD__sip__listen: JSON.stringify([`sip:127.0.0.1:${sipPort};transport=udp`]),
    SWITCHBOARD__media__iceAllow: JSON.stringify(['127.0.0.0/8']),
  },
});
const stopAll = [() => server.kill('SIGTERM')];
try {
  await waitForLine(server, 'Switchboard is running', 120_000); // a loaded machine starts slowly
  const ops = spawn('node', [join(here, 'calls-operators.mjs'), `http://127.0.0.1:${httpPort}`, `ws://127.0.0.1:${wsPort}`, String(operators), '200', String(transferShare)], { stdio: ['ignore', 'pipe', 'inherit'] });
  stopAll.push(() => ops.kill('SIGKILL'));
  let opsOut = '';
  ops.stdout.on('data', (d) => { opsOut += d; });
  await waitForLine(ops, 'ready', 60_000);
  const rtpengine = execFileSync('pgrep', ['-P', String(server.pid), 'rtpengine']).toString().trim().split('\n')[0];
  const cpu0 = { sb: cpuSeconds(server.pid), rtp: cpuSeconds(rtpengine) };
  const t0 = Date.now();
  const sippDir = mkdtempSync(join(tmpdir(), 'bench-calls-sipp-'));
  const sipp = spawn('sipp', ['-sf', join(root, 'scripts/sipp/uac-basic.xml'), '-i', '127.0.0.1', '-nostdin', '-p', String(await freePort()),
    '-s', '100', '-key', 'hold_ms', String(hold), '-key', 'caller', 'bench', '-r', String(rate), '-m', String(rate * duration),
    '-l', String(Math.ceil(rate * (hold / 1000 + 5))), '-trace_stat', '-stf', join(sippDir, 'stat.csv'), '-fd', '1',
    '-timeout', String(duration + hold / 1000 + 60), `127.0.0.1:${sipPort}`], { stdio: 'ignore' });
  stopAll.push(() => sipp.kill('SIGKILL'));
  await new Promise((r) => sipp.on('exit', r));
  const elapsed = (Date.now() - t0) / 1000;
  const cpu = { sb: cpuSeconds(server.pid) - cpu0.sb, rtp: cpuSeconds(rtpengine) - cpu0.rtp };
  const lines = readFileSync(join(sippDir, readdirSync(sippDir).find((f) => f.endsWith('.csv'))), 'utf8').trim().split('\n');
  const head = lines[0].split(';');
  const last = lines[lines.length - 1].split(';');
  const col = (n) => Number(last[head.indexOf(n)]);
  ops.kill('SIGTERM');
  await new Promise((r) => ops.on('exit', r));
  const ring = JSON.parse(opsOut.trim().split('\n').pop());
  const concurrent = rate * (hold / 1000);
  console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model}; ${operators} operators (sip.js over WebSocket, answering after 200 ms)`);
  console.log(`load: ${rate} calls/s for ${duration} s, each held ${hold} ms (≈${concurrent} concurrent)`);
  console.log(`calls: ${col('SuccessfulCall(C)')} successful, ${col('FailedCall(C)')} failed; answered by operators: ${ring.answered}`);
  console.log(`answered calls per second: ${((ring.answered - ring.transferredIn) / duration).toFixed(1)}`);
  if (transferShare > 0) {
    const t = ring.transfers;
    console.log(`blind transfers (${Math.round(transferShare * 100)} % of calls): ${t.asked} asked, ${t.completed} completed, ${t.failed} failed (final statuses ${JSON.stringify(t.statuses)}); ` +
      `REFER → final NOTIFY p50 ${t.p50} ms, p99 ${t.p99} ms (includes the target answering after 200 ms)`);
  }
  console.log(`arrival → operator INVITE: p50 ${ring.p50} ms, p99 ${ring.p99} ms (${ring.offered} offers)`);
  console.log(`CPU over ${elapsed.toFixed(0)} s: switchboard ${((cpu.sb / elapsed) * 100).toFixed(1)}%, rtpengine ${((cpu.rtp / elapsed) * 100).toFixed(1)}% ` +
    `→ ${(((cpu.sb + cpu.rtp) / elapsed) * 100 / concurrent).toFixed(2)}% of a core per concurrent call`);
} finally {
  for (const s of stopAll.reverse()) s();
}
