// Load generator for bench:register (runs in its own process): REGISTER → 401 → REGISTER with
// digest → 200, at RATE registrations per second for SECONDS, over udp or ws, spread over USERS
// users (user0…, password "pw-<user>"). Prints one JSON line: {sent, ok, failed, p50, p99}.
//   node scripts/bench/register-load.mjs udp|ws PORT RATE SECONDS USERS
import * as dgram from 'node:dgram';
import { createHash, randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';

const [proto, portText, rateText, secondsText, usersText] = process.argv.slice(2);
const port = Number(portText);
const rate = Number(rateText);
const seconds = Number(secondsText);
const users = Number(usersText);
const REALM = 'switchboard.bench';
const total = rate * seconds;
const pending = new Map();
const times = [];
let ok = 0;
let failed = 0;
let sent = 0;

const h = (alg, s) => createHash(alg === 'MD5' ? 'md5' : 'sha256').update(s).digest('hex');
function answer(challenge, user) {
  const p = Object.fromEntries([...challenge.matchAll(/(\w+)="?([^",]+)"?/g)].map((m) => [m[1], m[2]]));
  const alg = p.algorithm ?? 'MD5';
  const ha1 = h(alg, `${user}:${p.realm}:pw-${user}`);
  const ha2 = h(alg, `REGISTER:sip:${REALM}`);
  const cnonce = randomBytes(4).toString('hex');
  const r = h(alg, `${ha1}:${p.nonce}:00000001:${cnonce}:auth:${ha2}`);
  return `Digest username="${user}", realm="${p.realm}", nonce="${p.nonce}", uri="sip:${REALM}", algorithm=${alg}, qop=auth, nc=00000001, cnonce="${cnonce}", response="${r}"`;
}
function register(send, via, user, callId, cseq, auth) {
  send(`REGISTER sip:${REALM} SIP/2.0\r\nVia: ${via};branch=z9hG4bK-${callId}-${cseq};rport\r\n` +
    `From: <sip:${user}@${REALM}>;tag=t${callId}\r\nTo: <sip:${user}@${REALM}>\r\nCall-ID: ${callId}\r\nCSeq: ${cseq} REGISTER\r\n` +
    `Max-Forwards: 70\r\nContact: <sip:${user}@load.invalid;transport=${proto}>\r\nExpires: 600\r\n${auth ? `Authorization: ${auth}\r\n` : ''}Content-Length: 0\r\n\r\n`);
}
function onMessage(text, send, via) {
  const status = Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1]);
  const callId = /\r\nCall-ID: (.*)\r\n/i.exec(text)?.[1];
  const p = pending.get(callId);
  if (!p) return;
  if (status === 401 && !p.challenged) {
    p.challenged = true;
    const ch = /\r\nWWW-Authenticate: (.*)\r\n/i.exec(text)[1];
    register(send, via, p.user, callId, 2, answer(ch, p.user));
  } else if (status === 200) {
    times.push(performance.now() - p.t0);
    ok++;
    pending.delete(callId);
  } else if (status >= 300) {
    failed++;
    pending.delete(callId);
  }
  maybeDone();
}
function maybeDone() {
  if (sent === total && pending.size === 0) finish();
}
function finish() {
  times.sort((a, b) => a - b);
  const pct = (q) => (times.length ? +times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2) : null);
  failed += pending.size; // never answered
  process.stdout.write(JSON.stringify({ sent, ok, failed, p50: pct(0.5), p99: pct(0.99) }) + '\n');
  process.exit(0);
}

async function transports() {
  if (proto === 'udp') {
    const sock = dgram.createSocket('udp4');
    await new Promise((r) => sock.bind(0, '127.0.0.1', r));
    const via = `SIP/2.0/UDP 127.0.0.1:${sock.address().port}`;
    const send = (m) => sock.send(m, port, '127.0.0.1');
    sock.on('message', (b) => onMessage(b.toString(), send, via));
    return [{ send, via }];
  }
  const conns = await Promise.all(Array.from({ length: Math.min(users, 200) }, () => new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, 'sip');
    const via = `SIP/2.0/WS ${randomBytes(4).toString('hex')}.invalid`;
    const send = (m) => ws.send(m);
    ws.on('message', (d) => onMessage(d.toString(), send, via));
    ws.once('open', () => resolve({ send, via }));
    ws.once('error', reject);
  })));
  return conns;
}

const conns = await transports();
setTimeout(finish, (seconds + 10) * 1000).unref();
const start = performance.now();
const tick = setInterval(() => {
  const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
  while (sent < due) {
    const user = `user${sent % users}`;
    const callId = `${proto}-${process.pid}-${sent}`;
    const c = conns[sent % conns.length];
    pending.set(callId, { user, t0: performance.now(), challenged: false });
    register(c.send, c.via, user, callId, 1);
    sent++;
  }
  if (sent >= total) clearInterval(tick);
}, 5);
