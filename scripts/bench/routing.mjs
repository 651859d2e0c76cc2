// Routing benchmark (npm run bench:routing). Bounded in count and time.
//  1. decision latency of the in-memory engine with 10,000 operators and 1,000 queues;
//  2. atomic claims against a private redis-server at 500 new calls per second.
// Runs under tsx so it can load the TypeScript sources directly.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createClient } from 'redis';
import routing from '../../server/routing/index.ts';
import memoryStore from '../../server/store/memory-store.ts';
import redisStore from '../../server/store/redis-store.ts';

// the sources are CommonJS TypeScript: take the named exports from the module objects
const { Acd, RoutingEngine } = routing;
const { MemoryAcdStore } = memoryStore;
const { RedisAcdStore } = redisStore;

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const MEMORY_DECISIONS = Number(args.decisions ?? 50_000);
const REDIS_RATE = Number(args.rate ?? 500);
const REDIS_SECONDS = Number(args.seconds ?? 10);
const TIME_LIMIT_MS = 120_000;
const started = Date.now();

function percentiles(samples) {
  const s = Float64Array.from(samples).sort();
  const at = (p) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
  return { n: s.length, p50: at(50), p90: at(90), p99: at(99), max: s[s.length - 1] };
}
const ms = (x) => `${x.toFixed(3)} ms`;
function row(name, p) {
  console.log(`| ${name} | ${p.n} | ${ms(p.p50)} | ${ms(p.p90)} | ${ms(p.p99)} | ${ms(p.max)} |`);
}
function header() {
  console.log('| measure | samples | p50 | p90 | p99 | max |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
}

// deterministic pseudo-random numbers, so runs are comparable
let state = 1;
const rnd = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);

function bigConfig(queues, operators, perOperator) {
  const strategies = ['longest-idle', 'round-robin', 'fewest-calls', 'least-talk-time', 'random'];
  return {
    queues: Array.from({ length: queues }, (_, i) => ({
      id: `q${i}`,
      strategy: strategies[i % strategies.length],
      ringTimeoutMs: 15_000,
      wrapUpMs: 0,
      skills: i % 4 === 0 ? [{ name: 'lang', level: 3 }] : [],
      relaxation: i % 4 === 0 ? [{ afterMs: 10_000, drop: 2 }] : [],
    })),
    operators: Array.from({ length: operators }, (_, i) => {
      const qs = new Set();
      while (qs.size < perOperator) qs.add(`q${Math.floor(rnd() * queues)}`);
      return { id: `op${i}`, skills: { lang: 1 + Math.floor(rnd() * 5) }, queues: [...qs].map((queue) => ({ queue, penalty: Math.floor(rnd() * 2) })) };
    }),
  };
}

function memoryBench() {
  const engine = new RoutingEngine();
  let now = 1_000_000;
  let n = 0;
  const ctx = () => ({ now, tokenBase: `t${++n}`, seed: Math.floor(rnd() * 233_280) });
  const config = bigConfig(1000, 10_000, 3);
  let t = performance.now();
  engine.configure(config, now);
  const configureMs = performance.now() - t;
  const login = [];
  for (const op of config.operators) {
    t = performance.now();
    engine.execute({ kind: 'login', operatorId: op.id }, ctx());
    login.push(performance.now() - t);
  }
  const enqueue = [];
  const freed = [];
  const onCall = [];
  const deadline = Date.now() + 60_000;
  for (let i = 0; i < MEMORY_DECISIONS && Date.now() < deadline; i++) {
    now += 5;
    t = performance.now();
    const events = engine.execute({ kind: 'enqueue', call: { id: `c${i}`, queueId: `q${Math.floor(rnd() * 1000)}`, priority: rnd() < 0.1 ? 1 : 0 } }, ctx());
    enqueue.push(performance.now() - t);
    for (const e of events) {
      if (e.type !== 'call-offered') continue;
      engine.execute({ kind: 'answered', callId: e.callId, operatorId: e.operatorIds[0], token: e.token }, ctx());
      onCall.push(e.callId);
    }
    // keep about 8,000 operators busy, so some calls queue and freed operators must pick among queues
    while (onCall.length > 8_000 || (onCall.length > 0 && rnd() < 0.3)) {
      const k = Math.floor(rnd() * onCall.length);
      const callId = onCall[k];
      onCall[k] = onCall[onCall.length - 1];
      onCall.pop();
      now += 1;
      t = performance.now();
      const out = engine.execute({ kind: 'hangup', callId }, ctx());
      freed.push(performance.now() - t);
      for (const e of out) {
        if (e.type !== 'call-offered') continue;
        engine.execute({ kind: 'answered', callId: e.callId, operatorId: e.operatorIds[0], token: e.token }, ctx());
        onCall.push(e.callId);
      }
    }
  }
  const view = engine.view();
  return { configureMs, login: percentiles(login), enqueue: percentiles(enqueue), freed: percentiles(freed), waiting: view.calls.filter((c) => c.state === 'waiting').length };
}

async function facadeBench() {
  const store = new MemoryAcdStore();
  let n = 0;
  const acd = new Acd({ store, now: () => Math.floor(performance.now()) + 1_000_000, newId: () => `f${++n}`, random: rnd });
  await acd.configure(bigConfig(1000, 10_000, 3));
  for (let i = 0; i < 10_000; i++) await acd.operatorLogin(`op${i}`);
  const samples = [];
  for (let i = 0; i < 5_000; i++) {
    const t = performance.now();
    const { offers } = await acd.enqueue({ id: `f${i}`, queueId: `q${i % 1000}` });
    samples.push(performance.now() - t);
    for (const o of offers) {
      await acd.onAnswered({ callId: o.callId, operatorId: o.operatorIds[0], token: o.token });
      await acd.onHangup(o.callId);
    }
  }
  return percentiles(samples);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => new Promise((r) => { child.once('exit', r); child.kill('SIGTERM'); }) };
}

async function redisBench() {
  const redis = await startRedis();
  try {
    const store = await RedisAcdStore.connect({ url: redis.url, prefix: `bench${Date.now()}` });
    let n = 0;
    const acd = new Acd({ store, now: () => Date.now(), newId: () => `r${++n}`, random: rnd });
    await acd.configure(bigConfig(100, 400, 2));
    for (let i = 0; i < 400; i++) await acd.operatorLogin(`op${i}`);
    const enqueue = [];
    const hangup = [];
    const answer = [];
    const tick = [];
    const pending = new Set();
    let scheduled = 0;
    const total = REDIS_RATE * REDIS_SECONDS;
    const start = performance.now();
    const track = (p) => {
      pending.add(p);
      p.finally(() => pending.delete(p));
    };
    const handle = (offers) => {
      for (const o of offers) {
        const ref = { callId: o.callId, operatorId: o.operatorIds[0], token: o.token };
        const t0 = performance.now();
        track(acd.onAnswered(ref).then(() => {
          answer.push(performance.now() - t0);
          // talk 300-700 ms, then hang up; the freed operator claims the best waiting call
          scheduled++;
          setTimeout(() => {
            scheduled--;
            const t1 = performance.now();
            track(acd.onHangup(o.callId).then((r) => {
              hangup.push(performance.now() - t1);
              handle(r.offers);
            }));
          }, 300 + rnd() * 400);
        }));
      }
    };
    const ticker = setInterval(() => {
      const t = performance.now();
      track(acd.tick().then((r) => {
        tick.push(performance.now() - t);
        handle(r.offers);
      }));
    }, 100);
    for (let i = 0; i < total && Date.now() - started < TIME_LIMIT_MS; i++) {
      const due = start + (i * 1000) / REDIS_RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const t = performance.now();
      track(acd.enqueue({ id: `c${i}`, queueId: `q${Math.floor(rnd() * 100)}` }).then((r) => {
        enqueue.push(performance.now() - t);
        handle(r.offers);
      }));
    }
    const elapsed = (performance.now() - start) / 1000;
    await new Promise((r) => setTimeout(r, 1200));
    clearInterval(ticker);
    while (pending.size || scheduled) {
      await Promise.allSettled([...pending]);
      await new Promise((r) => setTimeout(r, 50));
    }
    const snapshot = await acd.snapshot();
    await store.close();
    const info = createClient({ url: redis.url });
    await info.connect();
    const stats = await info.info('commandstats');
    await info.close();
    const scriptUs = /cmdstat_evalsha:calls=(\d+),usec=\d+,usec_per_call=([\d.]+)/.exec(stats);
    return {
      rate: total / elapsed,
      enqueue: percentiles(enqueue),
      answer: percentiles(answer),
      hangup: percentiles(hangup),
      tick: percentiles(tick),
      waitingAtEnd: snapshot.queues.reduce((s, q) => s + q.waiting.length, 0),
      scripts: scriptUs ? { calls: Number(scriptUs[1]), usPerCall: Number(scriptUs[2]) } : undefined,
    };
  } finally {
    await redis.stop();
  }
}

console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model}, node ${process.version}`);
const mem = memoryBench();
console.log(`\nin-memory engine: 10,000 operators, 1,000 queues (3 queues per operator, mixed strategies and skills); configure ${mem.configureMs.toFixed(0)} ms; ${mem.waiting} calls waiting at the end\n`);
header();
row('login (claims the best call)', mem.login);
row('enqueue → best operator (decision)', mem.enqueue);
row('hang-up → freed operator takes best call (decision)', mem.freed);
row('enqueue through Acd + memory store', await facadeBench());
const red = await redisBench();
console.log(`\nRedis: 400 operators, 100 queues, ${red.rate.toFixed(0)} new calls/s for ${REDIS_SECONDS} s, talk 0.3-0.7 s; ${red.waitingAtEnd} calls waiting at the end\n`);
header();
row('enqueue + atomic claim (round trip)', red.enqueue);
row('answered (round trip)', red.answer);
row('hang-up + atomic claim for the freed operator', red.hangup);
row('tick (every 100 ms)', red.tick);
if (red.scripts) console.log(`\nInside Redis: ${red.scripts.calls} script runs, ${red.scripts.usPerCall} µs each on average (INFO commandstats).`);
