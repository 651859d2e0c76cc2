// Sends INVITEs over UDP from SOURCE (a loopback alias such as 127.0.0.2) to 127.0.0.1:PORT at RATE
// per second for SECONDS, never answering what comes back (no ACK: an attacker's flood), then keeps
// listening for LINGER seconds and prints what it sent and received as JSON:
//   { "sent": 5000, "responses": 41, "statuses": { "100": 1, "403": 40 } }
// Bounded in time: it exits after SECONDS + LINGER whatever happens.
//   node scripts/bench/invite-flood.mjs PORT RATE SECONDS [SOURCE=127.0.0.2] [LINGER=2]
import * as dgram from 'node:dgram';

const [portArg, rateArg, secondsArg, source = '127.0.0.2', lingerArg = '2'] = process.argv.slice(2);
const port = Number(portArg);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const linger = Number(lingerArg);
if (!(port > 0) || !(rate > 0) || !(seconds > 0) || !(seconds <= 60) || !(linger >= 0)) {
  process.stderr.write('usage: invite-flood.mjs PORT RATE SECONDS(≤60) [SOURCE] [LINGER]\n');
  process.exit(2);
}
const count = Math.round(rate * seconds);
const sock = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 << 20 });
const statuses = {};
let responses = 0;
let sent = 0;
sock.on('message', (b) => {
  const m = /^SIP\/2\.0 (\d{3})/.exec(b.toString('latin1', 0, 16));
  responses++;
  if (m) statuses[m[1]] = (statuses[m[1]] ?? 0) + 1;
});
sock.on('error', (err) => {
  process.stderr.write(`invite-flood: ${err.message}\n`);
  process.exit(1);
});

const SDP = 'v=0\r\no=- 1 1 IN IP4 SRC\r\ns=-\r\nc=IN IP4 SRC\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

function invite(i, lport) {
  const body = SDP.replaceAll('SRC', source);
  return `INVITE sip:100@127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP ${source}:${lport};branch=z9hG4bK-flood-${process.pid}-${i};rport\r\n` +
    `From: <sip:flood@${source}>;tag=f${i}\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: flood-${process.pid}-${i}\r\nCSeq: 1 INVITE\r\n` +
    `Max-Forwards: 70\r\nContact: <sip:flood@${source}:${lport}>\r\nContent-Type: application/sdp\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function finish() {
  process.stdout.write(JSON.stringify({ sent, responses, statuses }));
  process.exit(0);
}

sock.bind(0, source, () => {
  const lport = sock.address().port;
  // built before the clock starts, so the flooder spends its time sending (it shares the machine it attacks)
  const packets = Array.from({ length: count }, (_, i) => Buffer.from(invite(i, lport)));
  const started = performance.now();
  // every 10 ms, send what the schedule says is due by now (catches up after a stalled tick)
  const tick = setInterval(() => {
    const due = Math.min(count, Math.floor(((performance.now() - started) / 1000) * rate));
    while (sent < due) sock.send(packets[sent++], port, '127.0.0.1');
    if (sent >= count || performance.now() - started > seconds * 1000 + 1000) {
      clearInterval(tick);
      setTimeout(finish, linger * 1000);
    }
  }, 10);
});
