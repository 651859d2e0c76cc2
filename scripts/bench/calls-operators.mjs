// Operators for bench:calls (their own process): each logs in over HTTP, goes available, registers
// sip.js over WebSocket and answers every call after ANSWER_MS with a WebRTC-shaped SDP (no real
// media: Node has no WebRTC). With TRANSFER_SHARE > 0 that share of the calls (every n-th, not
// random) is blind-transferred once by REFER to an idle colleague, 500 ms after the server's ACK.
// Prints one JSON line when stopped (SIGTERM): ringing latencies and transfer set-up times
// (REFER sent → NOTIFY with the final sipfrag).
//   node scripts/bench/calls-operators.mjs HTTP_URL WS_URL COUNT ANSWER_MS [TRANSFER_SHARE]
import { WebSocket } from 'ws';
import { UserAgent, Registerer } from 'sip.js';

globalThis.WebSocket = WebSocket;
const [httpUrl, wsUrl, countText, answerText, shareText] = process.argv.slice(2);
const count = Number(countText);
const answerMs = Number(answerText);
const share = Number(shareText ?? 0);
const ringing = []; // ms from the call's arrival at Switchboard to the INVITE at the operator
let answered = 0;
let transferredIn = 0; // calls answered by a transfer's target
let calls = 0; // calls answered first-hand (the candidates for a transfer)
const transfers = { asked: 0, completed: 0, failed: 0, times: [], statuses: {} };
/** How long an operator talks before transferring (after the server's ACK). */
const TALK_BEFORE_TRANSFER_MS = 500;
const busy = new Set(); // operators with a call
let domain = 'switchboard.local';

/** Every n-th first-hand call is transferred, so that exactly `share` of them are. */
function transferThisOne() {
  calls++;
  return share > 0 && Math.floor(calls * share) > Math.floor((calls - 1) * share);
}

function transfer(i, inv) {
  const idle = Array.from({ length: count }, (_, j) => j).filter((j) => j !== i && !busy.has(j));
  if (idle.length === 0) return;
  const j = idle[Math.floor(Math.random() * idle.length)];
  busy.add(j); // reserved for this transfer (its INVITE follows)
  transfers.asked++;
  const sent = Date.now();
  let done = false;
  const finish = (ok, status) => {
    if (done) return;
    done = true;
    transfers.statuses[status] = (transfers.statuses[status] ?? 0) + 1;
    if (ok) {
      transfers.completed++;
      transfers.times.push(Date.now() - sent);
    } else {
      transfers.failed++;
      busy.delete(j);
    }
  };
  inv.refer(UserAgent.makeURI(`sip:op${j}@${domain}`), {
    onNotify: (n) => {
      void n.accept();
      const status = Number(/^SIP\/2\.0 (\d{3})/m.exec(n.request.body)?.[1] ?? 0);
      if (status >= 200) finish(status < 300, status);
    },
    requestDelegate: { onReject: (r) => finish(false, `REFER ${r.message.statusCode}`) },
  }).catch(() => finish(false, 'error'));
}

const OFFER = [
  'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0', 'm=audio 9 UDP/TLS/RTP/SAVPF 111 0', 'c=IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host', 'a=ice-ufrag:Abcd', 'a=ice-pwd:abcdefghijklmnopqrstuvwx',
  `a=fingerprint:sha-256 ${Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':')}`,
  'a=setup:actpass', 'a=mid:0', 'a=sendrecv', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', 'a=rtpmap:0 PCMU/8000', '',
].join('\r\n');
const sdh = () => ({
  getDescription: async () => ({ body: OFFER, contentType: 'application/sdp' }),
  setDescription: async () => undefined, hasDescription: () => true, rollbackDescription: async () => undefined,
  close: () => undefined, sendDtmf: () => false,
});

async function operator(i) {
  const user = `op${i}`;
  const login = await (await fetch(`${httpUrl}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: `pw-${user}` }) })).json();
  domain = login.sip.uri.split('@')[1] ?? domain;
  const ua = new UserAgent({
    uri: UserAgent.makeURI(login.sip.uri), transportOptions: { server: wsUrl },
    authorizationUsername: user, authorizationPassword: `pw-${user}`, logBuiltinEnabled: false, sessionDescriptionHandlerFactory: sdh,
    delegate: {
      onInvite: (inv) => {
        const handedOn = Boolean(inv.request.getHeader('X-Switchboard-Transferred-By'));
        const arrived = Number(inv.request.getHeader('X-Switchboard-Arrived'));
        if (arrived && !handedOn) ringing.push(Date.now() - arrived);
        busy.add(i);
        inv.stateChange.addListener((state) => { if (state === 'Terminated') busy.delete(i); });
        // a new offer (the REFER's dialog usage aside) only after the server's ACK with its answer
        if (!handedOn && transferThisOne()) inv.delegate = { onAck: () => void setTimeout(() => transfer(i, inv), TALK_BEFORE_TRANSFER_MS) };
        setTimeout(() => inv.accept().then(() => { answered++; if (handedOn) transferredIn++; }, () => undefined), answerMs);
      },
    },
  });
  await ua.start();
  await new Promise((resolve, reject) => new Registerer(ua, { expires: 600 }).register({ requestDelegate: { onAccept: resolve, onReject: reject } }));
  await fetch(`${httpUrl}/api/operators/me/status`, { method: 'PUT', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` }, body: JSON.stringify({ status: 'available' }) });
  return ua;
}

const uas = [];
for (let i = 0; i < count; i++) uas.push(await operator(i));
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  const pct = (list, q) => {
    const sorted = [...list].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : null;
  };
  process.stdout.write(JSON.stringify({
    offered: ringing.length, answered, transferredIn, p50: pct(ringing, 0.5), p99: pct(ringing, 0.99),
    transfers: { asked: transfers.asked, completed: transfers.completed, failed: transfers.failed, statuses: transfers.statuses, p50: pct(transfers.times, 0.5), p99: pct(transfers.times, 0.99) },
  }) + '\n');
  process.exit(0);
});
