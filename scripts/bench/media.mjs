#!/usr/bin/env node
// bench:media — N concurrent calls bridged by a private rtpengine (userspace forwarding) on 127.0.0.1,
// with Node RTP senders/receivers on both legs, 20 ms packets both ways:
//   1. G.711 passthrough: PCMU trunk leg ↔ PCMU leg (--calls, default 300)
//   1b. G.711 with DTMF injection: PCMU ↔ PCMU with rtpengine's `inject DTMF` on offer and answer
//      (--injected, default 0), what a call relayed under the avoid-transcoding codec policy costs once
//      a SIP INFO digit turned injection on (rtpengine then decodes and re-encodes G.711 to G.711)
//   2. transcoded: PCMU trunk leg ↔ Opus leg (--transcoded, default 100); the Opus senders replay
//      packets that rtpengine itself encoded at the start (no Opus library needed here).
// Reports per phase: packet loss at the receivers (packets received / packets sent over the whole
// run, after a drain; beside it the RFC 3550 view from sequence gaps, which misses packets a
// transcoder drops without leaving a gap),
// added jitter p50/p99 (passthrough: exact transit-time variation, the send time rides in the payload;
// transcoded: transit variation against the RTP clock, which also contains the senders' own timer
// jitter, shown beside it), and the CPU of rtpengine and of this load generator.
// The load generator (and the rtpengine it spawns) run at nice -10 when permitted, so that other work
// on the machine disturbs the timing less; the 1-minute load average before each phase is reported.
//   3. conferences of three on our G.711 mixer (media/mixer), run by scripts/bench/mixer.mjs in its own
//      process: --conferences 1,10,50 (0 skips them), --conference-duration 10 (seconds each).
// Bounded: each phase runs --duration seconds (default 20); the whole run stops after --max-seconds (default 300).
//   npm run bench:media -- --calls 300 --transcoded 100 --duration 20 --conferences 1,10,50
import * as dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { execFile } from 'node:child_process';
import { cpus, loadavg, setPriority } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { LocalRtpengine } = require('../../dist/media/rtpengine/local-rtpengine.js');
const { NgClient } = require('../../dist/media/ng/ng-client.js');
const { buildRtp, parseRtp } = require('../../dist/media/testing/rtp-packet.js');
const { g711Encode } = require('../../dist/media/testing/g711.js');

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const CALLS = Number(args.calls ?? 300);
const TRANSCODED = Number(args.transcoded ?? 100);
const INJECTED = Number(args.injected ?? 0);
const DURATION_S = Number(args.duration ?? 20);
const WARMUP_S = 2;
const MAX_S = Number(args['max-seconds'] ?? 300);
const CONFERENCES = String(args.conferences ?? '1,10,50');
const CONFERENCE_DURATION_S = Number(args['conference-duration'] ?? 10);
const OPUS = args.opus ?? 'opus'; // the transcode spec, e.g. opus/48000/2/24000
const HOST = '127.0.0.1';
const PTIME = 20;
const GROUPS = 10; // senders are spread over 10 phases, 2 ms apart, instead of one burst every 20 ms

const hardStop = setTimeout(() => { console.error(`bench:media: stopped after --max-seconds ${MAX_S}`); process.exit(2); }, MAX_S * 1000);
hardStop.unref();

const pcmuTone = g711Encode('PCMU', Int16Array.from({ length: 160 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000))));

const sdp = (port, pt, name) => ['v=0', `o=- ${port} 1 IN IP4 ${HOST}`, 's=bench', `c=IN IP4 ${HOST}`, 't=0 0',
  `m=audio ${port} RTP/AVP ${pt}`, `a=rtpmap:${pt} ${name}`, 'a=ptime:20', 'a=sendrecv', ''].join('\r\n');
const sdpPort = (s) => Number(/m=audio (\d+)/.exec(s)[1]);
const trunkFlags = { 'transport-protocol': 'RTP/AVP', ICE: 'remove', flags: ['trust address'], replace: ['origin', 'session-connection'] };

/** CPU seconds (user + system) of a process, from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
}

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);

/** One leg's socket: sends 20 ms packets to rtpengine and measures what it receives. */
class Leg {
  constructor(socket, { pt, clockRate, payloads, stamp }) {
    Object.assign(this, { socket, pt, clockRate, payloads, stamp });
    this.port = socket.address().port;
    this.ssrc = (Math.random() * 2 ** 31) >>> 0;
    this.seq = (Math.random() * 65535) | 0;
    this.ts = (Math.random() * 2 ** 31) >>> 0;
    this.sent = 0;
    this.recv = 0;
    this.seqs = new Set();
    this.minSeqExt = Infinity;
    this.maxSeqExt = -Infinity;
    this.lastExt = undefined;
    this.delays = []; // transit (or arrival - RTP clock), ms, after warm-up
    this.sendDelays = []; // send time - sender's own schedule, ms, after warm-up
    this.measuring = false;
    socket.on('message', (msg) => this.onPacket(msg, performance.now()));
  }

  send(now, scheduled) {
    const payload = Buffer.from(this.payloads[this.sent % this.payloads.length]);
    if (this.stamp) payload.writeDoubleBE(now, 0); // passthrough leaves the payload alone: carry the send time
    this.socket.send(buildRtp({ payloadType: this.pt, sequence: this.seq, timestamp: this.ts, ssrc: this.ssrc, marker: this.sent === 0, payload }), this.remotePort, HOST);
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + (this.clockRate * PTIME) / 1000) >>> 0;
    this.sent++;
    if (this.measuring) this.sendDelays.push(now - scheduled);
  }

  onPacket(msg, now) {
    const rtp = parseRtp(msg);
    if (!rtp) return;
    this.recv++;
    // Extend the 16-bit sequence number: signed distance from the last one seen (wrap-arounds, reordering).
    const ext = this.lastExt === undefined ? rtp.sequence : this.lastExt + ((((rtp.sequence - (this.lastExt & 0xffff)) & 0xffff) ^ 0x8000) - 0x8000);
    if (this.lastExt === undefined || ext > this.lastExt) this.lastExt = ext;
    this.seqs.add(ext);
    this.minSeqExt = Math.min(this.minSeqExt, ext);
    this.maxSeqExt = Math.max(this.maxSeqExt, ext);
    if (!this.measuring) return;
    if (this.stamp && rtp.payload.length >= 8) this.delays.push(now - rtp.payload.readDoubleBE(0));
    else {
      if (this.tsBase === undefined) this.tsBase = rtp.timestamp;
      this.delays.push(now - (((rtp.timestamp - this.tsBase) | 0) / this.rxClockRate) * 1000);
    }
  }

  /** Expected (from the sequence range) and lost packets, RFC 3550 style. */
  loss() {
    if (this.seqs.size === 0) return { expected: this.peerSent ?? 0, lost: this.peerSent ?? 0 };
    const expected = this.maxSeqExt - this.minSeqExt + 1;
    return { expected, lost: Math.max(0, expected - this.seqs.size) };
  }

  /** Delay variation above the stream's own minimum, ms. */
  variation(list) {
    if (list.length === 0) return [];
    const min = list.reduce((m, x) => Math.min(m, x), Infinity);
    return list.map((x) => x - min);
  }
}

const openSocket = () => new Promise((resolve, reject) => {
  const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20, sendBufferSize: 1 << 20 });
  s.once('error', reject);
  s.bind(0, HOST, () => resolve(s));
});

/** Sets up one call: leg A offers PCMU; leg B answers with `bCodec`. */
async function setupCall(ng, i, phase, bCodec, opusPayloads) {
  const [sa, sb] = await Promise.all([openSocket(), openSocket()]);
  const callId = `bench-${phase}-${i}`;
  const opus = bCodec === 'opus';
  const flags = phase === 'g711-inject-dtmf' ? { flags: [...trunkFlags.flags, 'inject DTMF'] } : {};
  const offer = await ng.request('offer', {
    ...trunkFlags, ...flags, 'call-id': callId, 'from-tag': 'a', sdp: sdp(sa.address().port, 0, 'PCMU/8000'),
    codec: opus ? { mask: ['all'], transcode: [OPUS] } : undefined,
  });
  const answer = await ng.request('answer', {
    ...trunkFlags, ...flags, 'call-id': callId, 'from-tag': 'a', 'to-tag': 'b',
    sdp: opus ? sdp(sb.address().port, 96, 'opus/48000/2') : sdp(sb.address().port, 0, 'PCMU/8000'),
  });
  const a = new Leg(sa, { pt: 0, clockRate: 8000, payloads: [pcmuTone], stamp: !opus });
  const b = new Leg(sb, opus ? { pt: 96, clockRate: 48000, payloads: opusPayloads, stamp: false } : { pt: 0, clockRate: 8000, payloads: [pcmuTone], stamp: true });
  a.remotePort = sdpPort(answer.sdp);
  b.remotePort = sdpPort(offer.sdp);
  a.rxClockRate = opus ? 8000 : 8000;
  b.rxClockRate = opus ? 48000 : 8000;
  return { callId, legs: [a, b] };
}

/** Sends on every leg every 20 ms, spread over GROUPS phases, for `seconds`; returns when done. */
function runSenders(legs, seconds, onWarm) {
  return new Promise((resolve) => {
    const start = performance.now() + 50;
    const groups = Array.from({ length: GROUPS }, (_, g) => ({ legs: legs.filter((_, i) => i % GROUPS === g), next: start + (g * PTIME) / GROUPS }));
    const end = start + seconds * 1000;
    let warmed = false;
    const tick = () => {
      const now = performance.now();
      if (!warmed && now >= start + WARMUP_S * 1000) { warmed = true; onWarm(); }
      if (now >= end) return resolve();
      for (const g of groups) {
        for (let burst = 0; g.next <= now && burst < 5; burst++, g.next += PTIME) {
          for (const leg of g.legs) leg.send(performance.now(), g.next);
        }
      }
      const due = Math.min(...groups.map((g) => g.next));
      setTimeout(tick, Math.max(0, due - performance.now() - 0.5));
    };
    setTimeout(tick, 50);
  });
}

/** Captures 50 Opus packets that rtpengine encodes from a PCMU tone, for the Opus senders to replay. */
async function captureOpus(ng) {
  const call = await setupCall(ng, 0, 'capture', 'opus', [Buffer.alloc(3)]);
  const [a, b] = call.legs;
  const payloads = [];
  b.socket.on('message', (msg) => { const r = parseRtp(msg); if (r && r.payloadType === 96 && payloads.length < 50) payloads.push(Buffer.from(r.payload)); });
  const deadline = Date.now() + 5000;
  const timer = setInterval(() => a.send(performance.now(), performance.now()), PTIME);
  while (payloads.length < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  clearInterval(timer);
  await ng.request('delete', { 'call-id': call.callId });
  for (const leg of call.legs) leg.socket.close();
  if (payloads.length < 50) throw new Error(`captured only ${payloads.length} Opus packets from rtpengine`);
  return payloads;
}

async function phase(ng, rtpenginePid, name, calls, bCodec, opusPayloads) {
  const loadBefore = +loadavg()[0].toFixed(2); // other work on the machine shows up here
  const setupStart = performance.now();
  const list = [];
  for (let i = 0; i < calls; i++) list.push(await setupCall(ng, i, name, bCodec, opusPayloads));
  const setupMs = performance.now() - setupStart;
  const legs = list.flatMap((c) => c.legs);
  let cpu0 = 0; let own0; let t0 = 0;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  await runSenders(legs, DURATION_S, () => {
    loop.enable();
    for (const l of legs) l.measuring = true;
    cpu0 = cpuSeconds(rtpenginePid); own0 = process.cpuUsage(); t0 = performance.now();
  });
  const wall = (performance.now() - t0) / 1000;
  const rtpengineCpu = (cpuSeconds(rtpenginePid) - cpu0) / wall;
  const own = process.cpuUsage(own0);
  const ownCpu = (own.user + own.system) / 1e6 / wall;
  for (const l of legs) l.measuring = false;
  loop.disable();
  await new Promise((r) => setTimeout(r, 300)); // let the last packets arrive
  for (const c of list) { c.legs[0].peerSent = c.legs[1].sent; c.legs[1].peerSent = c.legs[0].sent; }
  const dirs = { 'A←B': list.map((c) => c.legs[0]), 'B←A': list.map((c) => c.legs[1]) };
  const out = { phase: name, calls, loadAverageBefore: loadBefore, setupMs: Math.round(setupMs), rtpengineCpuPct: Math.round(rtpengineCpu * 100), loadGenCpuPct: Math.round(ownCpu * 100),
    eventLoopDelayP99Ms: +(loop.percentile(99) / 1e6).toFixed(2), eventLoopDelayMaxMs: +(loop.max / 1e6).toFixed(2), directions: {} };
  for (const [dir, receivers] of Object.entries(dirs)) {
    const loss = receivers.reduce((acc, l) => { const x = l.loss(); return { expected: acc.expected + x.expected, lost: acc.lost + x.lost }; }, { expected: 0, lost: 0 });
    const received = receivers.reduce((n, l) => n + l.recv, 0);
    const sent = receivers.reduce((n, l) => n + l.peerSent, 0);
    const jitter = receivers.flatMap((l) => l.variation(l.delays)).sort((x, y) => x - y);
    const senderJitter = receivers.flatMap((l) => l.variation(l.sendDelays)).sort((x, y) => x - y);
    out.directions[dir] = {
      sent, received, lossPct: +(100 * Math.max(0, sent - received) / Math.max(1, sent)).toFixed(4),
      seqExpected: loss.expected, seqLost: loss.lost, seqGapLossPct: +(100 * loss.lost / Math.max(1, loss.expected)).toFixed(4),
      silentStreams: receivers.filter((l) => l.recv === 0).length,
      missingPerStream: Object.entries(receivers.reduce((acc, l) => { const k = l.peerSent - l.recv; acc[k] = (acc[k] ?? 0) + 1; return acc; }, {})).map(([k, n]) => `${k}:${n}`).join(' '),
      jitterP50Ms: +pct(jitter, 50).toFixed(2), jitterP99Ms: +pct(jitter, 99).toFixed(2), jitterMaxMs: +pct(jitter, 100).toFixed(2),
      senderTimerP99Ms: +pct(senderJitter, 99).toFixed(2),
    };
  }
  for (const c of list) await ng.request('delete', { 'call-id': c.callId });
  for (const l of legs) l.socket.close();
  return out;
}

/** Conferences on the G.711 mixer: scripts/bench/mixer.mjs in a child process (it prints its own summary). */
function mixerPhases() {
  const script = new URL('./mixer.mjs', import.meta.url).pathname;
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [script, '--conferences', CONFERENCES, '--duration', String(CONFERENCE_DURATION_S)], { maxBuffer: 1 << 24 }, (err, stdout) => {
      if (err) return reject(err);
      resolve(JSON.parse(stdout).results.map((r) => ({ phase: 'g711-conference-mixer', ...r })));
    });
    child.stderr.pipe(process.stderr);
  });
}

async function main() {
  // The receivers' timestamps are taken in this process: run it ahead of rtpengine's threads so that
  // scheduler waits of the load generator don't pass for jitter added by the relay (needs root; skipped otherwise).
  let niceness = 0;
  try { setPriority(process.pid, -10); niceness = -10; } catch { /* not permitted: measure as is */ }
  const portMin = 20000;
  const legsNeeded = 2 * Math.max(CALLS, TRANSCODED, INJECTED) + 8;
  const local = new LocalRtpengine({ portMin, portMax: portMin + 4 * legsNeeded, logLevel: 3 });
  await local.start();
  const ng = new NgClient({ host: local.host, port: local.port, timeoutMs: 5000 });
  const results = [];
  try {
    const machine = { nproc: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadGeneratorNice: niceness };
    console.error(`bench:media: rtpengine pid ${local.pid}, ${CALLS} G.711 calls, ${TRANSCODED} transcoded calls, ${DURATION_S} s each`);
    if (CALLS > 0) results.push(await phase(ng, local.pid, 'g711-passthrough', CALLS, 'PCMU'));
    if (INJECTED > 0) results.push(await phase(ng, local.pid, 'g711-inject-dtmf', INJECTED, 'PCMU'));
    if (TRANSCODED > 0) {
      const opus = await captureOpus(ng);
      results.push(await phase(ng, local.pid, 'opus-g711-transcoded', TRANSCODED, 'opus', opus));
    }
    if (CONFERENCES !== '0') results.push(...await mixerPhases());
    console.log(JSON.stringify({ machine, durationS: DURATION_S, warmupS: WARMUP_S, results }, null, 2));
    for (const r of results) {
      for (const [dir, d] of Object.entries(r.directions ?? {})) {
        console.error(`${r.phase.padEnd(22)} ${String(r.calls).padStart(4)} calls ${dir}: loss ${d.lossPct}% (${d.received}/${d.sent} received; sequence gaps ${d.seqGapLossPct}%; missing per stream ${d.missingPerStream}), ` +
          `added jitter p50 ${d.jitterP50Ms} ms p99 ${d.jitterP99Ms} ms max ${d.jitterMaxMs} ms (sender timer p99 ${d.senderTimerP99Ms} ms), ` +
          `rtpengine CPU ${r.rtpengineCpuPct}% load generator CPU ${r.loadGenCpuPct}% event loop delay p99 ${r.eventLoopDelayP99Ms} ms, load average before ${r.loadAverageBefore}`);
      }
    }
  } finally {
    ng.close();
    await local.stop();
  }
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
