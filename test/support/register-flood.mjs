// Sends COUNT REGISTERs with a wrong Authorization from 127.0.0.1 at RATE per second to PORT
// (bounded in count and time), then prints the status codes received as JSON.
//   node test/support/register-flood.mjs PORT COUNT RATE
import * as dgram from 'node:dgram';

const [port, count, rate] = process.argv.slice(2).map(Number);
const sock = dgram.createSocket('udp4');
const statuses = {};
let received = 0;
sock.on('message', (b) => {
  const m = /^SIP\/2\.0 (\d{3})/.exec(b.toString('latin1'));
  if (!m) return;
  statuses[m[1]] = (statuses[m[1]] ?? 0) + 1;
  if (++received === count) finish();
});
function finish() {
  process.stdout.write(JSON.stringify(statuses));
  process.exit(0);
}
setTimeout(finish, (count / rate) * 1000 + 5000).unref();
sock.bind(0, '127.0.0.1', () => {
  const lport = sock.address().port;
  let i = 0;
  const tick = setInterval(() => {
    for (let k = 0; k < rate / 100 && i < count; k++, i++) {
      const msg = `REGISTER sip:switchboard.test SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${lport};branch=z9hG4bK-flood-${i};rport\r\n` +
        `From: <sip:op1@switchboard.test>;tag=f${i}\r\nTo: <sip:op1@switchboard.test>\r\nCall-ID: flood-${i}\r\nCSeq: 1 REGISTER\r\n` +
        `Max-Forwards: 70\r\nContact: <sip:op1@127.0.0.1:${lport}>\r\n` +
        `Authorization: Digest username="op1", realm="switchboard.test", nonce="guess", uri="sip:switchboard.test", response="00000000000000000000000000000000"\r\n` +
        'Content-Length: 0\r\n\r\n';
      sock.send(msg, port, '127.0.0.1');
    }
    if (i >= count) clearInterval(tick);
  }, 10);
});
