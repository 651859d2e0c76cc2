// Reads what a SIPp run wrote with -trace_stat and -trace_rtt into `dir`: successful and failed calls,
// and the INVITE→200 response times (p50, p99, and how many were measured).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export function sippResults(dir) {
  const files = readdirSync(dir);
  const stat = files.find((f) => f.endsWith('.csv') && !f.includes('_rtt'));
  const rtt = files.find((f) => f.includes('_rtt'));
  const lines = readFileSync(join(dir, stat), 'utf8').trim().split('\n');
  const head = lines[0].split(';');
  const last = lines[lines.length - 1].split(';');
  const col = (name) => Number(last[head.indexOf(name)]);
  const times = rtt ? readFileSync(join(dir, rtt), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(';')[1])).filter(Number.isFinite).sort((a, b) => a - b) : [];
  const pct = (p) => (times.length ? times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] : NaN);
  return { successful: col('SuccessfulCall(C)'), failed: col('FailedCall(C)'), p50: pct(50), p99: pct(99), samples: times.length };
}
