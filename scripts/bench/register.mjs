#!/usr/bin/env node
// bench:register — REGISTER with digest (401 then 200) over UDP and over WebSocket against the SIP
// engine (worker thread) + the registrar (drachtio-srf), stepping the rate up; reports per step the
// failures and p50/p99 time from the first REGISTER to the 200, and the highest rate with none failed.
// The load comes from another process (scripts/bench/register-load.mjs). Bounded in count and time.
//   npm run bench:register -- --rates 250,500,1000,1500,2000 --duration 10
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const dist = (p) => require(join('../../dist/server', p));
const { startEngineWorker } = dist('sip-engine/worker.js');
const { StaticCredentials } = dist('signalling/auth/credentials.js');
const { DigestAuthenticator } = dist('signalling/auth/digest.js');
const { FailureLimiter } = dist('signalling/auth/failure-limiter.js');
const { OperatorAuth } = dist('signalling/operator-auth.js');
const { Registrar } = dist('signalling/registrar.js');
const { MemoryBindingStore } = dist('store/bindings/memory-binding-store.js');
const Srf = require('drachtio-srf');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const rates = (args.rates ?? '250,500,1000,1500,2000,3000').split(',').map(Number);
const duration = Number(args.duration ?? 10);
const USERS = 500;
const here = dirname(fileURLToPath(import.meta.url));
const freePort = () => new Promise((res) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); }); });

function load(proto, port, rate) {
  return new Promise((resolve) => {
    const child = spawn('node', [join(here, 'register-load.mjs'), proto, String(port), String(rate), String(duration), String(USERS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const kill = setTimeout(() => child.kill('SIGKILL'), (duration + 20) * 1000);
    child.on('exit', () => { clearTimeout(kill); resolve(JSON.parse(out || '{"sent":0,"ok":0,"failed":-1}')); });
  });
}

const udpPort = await freePort();
const wsPort = await freePort();
const engine = await startEngineWorker({
  listen: [{ protocol: 'udp', address: '127.0.0.1', port: udpPort }, { protocol: 'ws', address: '127.0.0.1', port: wsPort }],
  admin: { address: '127.0.0.1', port: await freePort(), secret: 'bench' },
  logLevel: 'error',
});
const srf = new Srf();
srf.connect({ host: '127.0.0.1', port: engine.adminPort, secret: 'bench' });
await new Promise((r) => srf.once('connect', r));
const creds = new StaticCredentials('switchboard.bench');
for (let i = 0; i < USERS; i++) creds.addPassword(`user${i}`, `pw-user${i}`);
const auth = new OperatorAuth({ digest: new DigestAuthenticator(creds, { realm: 'switchboard.bench' }), limiter: new FailureLimiter() });
new Registrar({ srf, bindings: new MemoryBindingStore(), auth });

console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model}; ${duration}s per step, ${USERS} users`);
for (const [proto, port] of [['udp', udpPort], ['ws', wsPort]]) {
  let best = 0;
  let bestRow;
  for (const rate of rates) {
    const r = await load(proto, port, rate);
    console.log(`${proto.padEnd(3)} ${String(rate).padStart(5)}/s: ${r.ok} ok, ${r.failed} failed, time to 200 p50 ${r.p50} ms, p99 ${r.p99} ms`);
    if (r.failed !== 0 || r.ok !== rate * duration) break;
    best = rate;
    bestRow = r;
  }
  console.log(`${proto}: highest rate with zero failures ${best}/s (p99 ${bestRow?.p99} ms)`);
}
srf.disconnect();
await engine.close();
process.exit(0);
