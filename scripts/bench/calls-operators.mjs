// Operators for bench:calls (their own process): each logs in over HTTP, goes available, registers
// sip.js over WebSocket and answers every call after ANSWER_MS with a WebRTC-shaped SDP (no real
// media: Node has no WebRTC). Prints one JSON line when stopped (SIGTERM): ringing latencies.
//   node scripts/bench/calls-operators.mjs HTTP_URL WS_URL COUNT ANSWER_MS
import { WebSocket } from 'ws';
import { UserAgent, Registerer } from 'sip.js';

globalThis.WebSocket = WebSocket;
const [httpUrl, wsUrl, countText, answerText] = process.argv.slice(2);
const count = Number(countText);
const answerMs = Number(answerText);
const ringing = []; // ms from the call's arrival at Switchboard to the INVITE at the operator
let answered = 0;

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
  const ua = new UserAgent({
    uri: UserAgent.makeURI(login.sip.uri), transportOptions: { server: wsUrl },
    authorizationUsername: user, authorizationPassword: `pw-${user}`, logBuiltinEnabled: false, sessionDescriptionHandlerFactory: sdh,
    delegate: {
      onInvite: (inv) => {
        const arrived = Number(inv.request.getHeader('X-Switchboard-Arrived'));
        if (arrived) ringing.push(Date.now() - arrived);
        setTimeout(() => inv.accept().then(() => { answered++; }, () => undefined), answerMs);
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
  ringing.sort((a, b) => a - b);
  const pct = (q) => (ringing.length ? ringing[Math.min(ringing.length - 1, Math.floor(q * ringing.length))] : null);
  process.stdout.write(JSON.stringify({ offered: ringing.length, answered, p50: pct(0.5), p99: pct(0.99) }) + '\n');
  process.exit(0);
});
