// Record store benchmark (npm run bench:records). Bounded in count and time.
//  1. write throughput of call records with 6 segments each: one record per transaction (what a
//     live call's milestone costs) and batches of 200 (what the buffered writer does);
//  2. report query time on a seeded month: calls across 50 queues and 500 operators, plus each
//     operator's day of activity intervals; seeded in SQL (generate_series), not through the API.
// On PGlite (in memory) and on a private PostgreSQL server the script starts itself (initdb +
// postgres in a temp dir, stopped by pid). Runs under tsx so it can load the TypeScript sources.
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import storeModule from '../../server/records/sql-record-store.ts';
import pgServer from '../../test/records/postgres-server.ts';

const { openRecordStore } = storeModule;
const { startPostgres } = pgServer;

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const WRITES = Number(args.writes ?? 2_000);
const CALLS = { pglite: Number(args['calls-pglite'] ?? 200_000), postgres: Number(args['calls-pg'] ?? 1_000_000) };
const ENGINES = (args.engines ?? 'pglite,postgres').split(',');
const TIME_LIMIT_MS = Number(args['time-limit-ms'] ?? 900_000);
const QUEUES = 50;
const OPERATORS = 500;
const DAYS = 30;
const MONTH = Date.UTC(2026, 1, 1); // February 2026 starts on a Sunday; 30 days from there
const DAY_MS = 86_400_000;
const started = Date.now();
const checkTime = () => {
  if (Date.now() - started > TIME_LIMIT_MS) throw new Error(`time limit ${TIME_LIMIT_MS} ms reached`);
};

function record(i, prefix) {
  const arrivedAt = MONTH + i * 1000;
  const seg = (seq, kind, s, e, extra = {}) => ({ seq, kind, startedAt: arrivedAt + s * 1000, endedAt: arrivedAt + e * 1000, ...extra });
  return {
    callId: `${prefix}-${i}`, direction: 'inbound', queue: `q${i % QUEUES}`, trunkId: 'pstn', caller: `+4930${1_000_000 + i}`, number: '100',
    operatorId: `op${i % OPERATORS}`, instanceId: 'bench', outcome: 'answered', arrivedAt, answeredAt: arrivedAt + 12_000, endedAt: arrivedAt + 200_000,
    waitSeconds: 12, talkSeconds: 188, holdSeconds: 20, segments: [
      seg(1, 'queued', 0, 12, { queue: `q${i % QUEUES}` }),
      seg(2, 'offered', 5, 12, { operatorId: `op${i % OPERATORS}`, result: 'answered' }),
      seg(3, 'answered', 12, 200, { operatorId: `op${i % OPERATORS}` }),
      seg(4, 'held', 50, 70, { operatorId: `op${i % OPERATORS}` }),
      seg(5, 'transferred', 190, 191, { operatorId: `op${i % OPERATORS}`, target: 'queue:sales', result: 'failed' }),
      seg(6, 'wrap-up', 200, 230, { operatorId: `op${i % OPERATORS}` }),
    ],
  };
}

async function writes(store) {
  const out = {};
  let t = performance.now();
  for (let i = 0; i < WRITES; i++) {
    await store.saveCall(record(i, 'one'));
    checkTime();
  }
  out.single = WRITES / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let i = 0; i < WRITES * 5; i += 200) {
    await store.saveCalls(Array.from({ length: Math.min(200, WRITES * 5 - i) }, (_, k) => record(i + k, 'batch')));
    checkTime();
  }
  out.batch = (WRITES * 5) / ((performance.now() - t) / 1000);
  await store.client.exec('truncate calls cascade');
  return out;
}

async function seed(store, n) {
  const t = performance.now();
  const step = Math.floor((DAYS * DAY_MS) / n);
  for (let from = 1; from <= n; from += 100_000) {
    const to = Math.min(n, from + 99_999);
    await store.client.query(
      `insert into calls (call_id, direction, queue, trunk_id, caller, number, operator_id, instance_id, outcome, arrived_at, answered_at, ended_at,
         wait_seconds, talk_seconds, hold_seconds, wrap_up_seconds, transfers, updated_at)
       select 's' || g, 'inbound', 'q' || (g % ${QUEUES}), 'pstn', '+4930' || (1000000 + g % 900000), '100',
         case when g % 10 < 8 then 'op' || (g % ${OPERATORS}) end, 'bench',
         case when g % 10 < 8 then 'answered' when g % 10 = 8 then 'abandoned' else 'overflow' end,
         $1::bigint + g::bigint * $2::bigint,
         case when g % 10 < 8 then $1::bigint + g::bigint * $2::bigint + (g * 7919 % 90) * 1000 end,
         $1::bigint + g::bigint * $2::bigint + (g * 7919 % 90) * 1000 + case when g % 10 < 8 then (30 + g * 104729 % 600) * 1000 else 0 end,
         g * 7919 % 90, case when g % 10 < 8 then 30 + g * 104729 % 600 else 0 end, case when g % 7 = 0 then 15 else 0 end,
         case when g % 10 < 8 then g % 45 else 0 end, case when g % 25 = 0 then 1 else 0 end, 0
       from generate_series($3::bigint, $4::bigint) as g`,
      [MONTH, step, from, to],
    );
    checkTime();
  }
  // each operator's day: paused (login) 08:00, available 08:05, paused (break) 12:00, available 12:30, offline 16:00
  await store.client.query(
    `insert into operator_activity (operator_id, state, reason, started_at, ended_at, instance_id)
     select 'op' || o, s.state, s.reason, $1::bigint + d * ${DAY_MS}::bigint + s.f * 1000, $1::bigint + d * ${DAY_MS}::bigint + s.t * 1000, 'bench'
     from generate_series(0, ${OPERATORS - 1}) o, generate_series(0, ${DAYS - 1}) d,
       (values ('paused', 'login', 28800, 29100), ('available', null, 29100, 43200), ('paused', 'break', 43200, 45000),
               ('available', null, 45000, 57600), ('offline', null, 57600, 115200)) as s(state, reason, f, t)`,
    [MONTH],
  );
  await store.client.exec('analyze');
  return (performance.now() - t) / 1000;
}

const base = { timeZone: 'Europe/Berlin', shortAbandonSeconds: 5, serviceLevelSeconds: {}, defaultServiceLevelSeconds: 20 };
const QUERIES = [
  ['queues, month by day (50 × 30 rows)', (s) => s.queueReport({ ...base, from: MONTH, to: MONTH + DAYS * DAY_MS, interval: 'day' })],
  ['queues, one day by 15 min', (s) => s.queueReport({ ...base, from: MONTH + 10 * DAY_MS, to: MONTH + 11 * DAY_MS, interval: '15m' })],
  ['one queue, month by hour', (s) => s.queueReport({ ...base, from: MONTH, to: MONTH + DAYS * DAY_MS, interval: 'hour', queue: 'q7' })],
  ['operators, one day (calls + activity)', (s) => s.operatorReport({ ...base, from: MONTH + 10 * DAY_MS, to: MONTH + 11 * DAY_MS, interval: 'range' })],
  ['operators, month by day (calls + activity)', (s) => s.operatorReport({ ...base, from: MONTH, to: MONTH + DAYS * DAY_MS, interval: 'day' })],
  ['one operator, month by day', (s) => s.operatorReport({ ...base, from: MONTH, to: MONTH + DAYS * DAY_MS, interval: 'day', operatorId: 'op42' })],
  ['shifts, month (all operators)', (s) => s.shiftReport({ ...base, from: MONTH, to: MONTH + DAYS * DAY_MS })],
];

async function queries(store) {
  const out = [];
  for (const [name, q] of QUERIES) {
    const times = [];
    let rows = 0;
    for (let r = 0; r < 3; r++) {
      const t = performance.now();
      rows = (await q(store)).length;
      times.push(performance.now() - t);
      checkTime();
    }
    out.push({ name, rows, first: times[0], best: Math.min(...times) });
  }
  return out;
}

async function bench(engine) {
  let server;
  let store;
  try {
    if (engine === 'postgres') {
      server = await startPostgres();
      store = await openRecordStore({ url: await server.createDatabase() });
    } else {
      store = await openRecordStore({});
    }
    const w = await writes(store);
    console.log(`${engine}: ${w.single.toFixed(0)} records/s one per transaction, ${w.batch.toFixed(0)} records/s in batches of 200 (6 segments each)`);
    const seeded = await seed(store, CALLS[engine]);
    console.log(`${engine}: seeded ${CALLS[engine]} calls + ${OPERATORS * DAYS * 5} activity intervals in ${seeded.toFixed(1)} s`);
    for (const q of await queries(store)) {
      console.log(`${engine}: | ${q.name} | ${q.rows} | ${q.first.toFixed(0)} ms | ${q.best.toFixed(0)} ms |`);
    }
  } finally {
    await store?.close();
    await server?.destroy();
  }
}

console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
for (const engine of ENGINES) await bench(engine);
