/**
 * One hostile offer cannot take the RTP port range (the real server from dist/, its rtpengine
 * with 200 ports): an INVITE with 100 m-lines gets 488 before any media is allocated, and the
 * next normal calls are answered.
 */
import type { SipResponse } from '../../server/sip-engine/message/message';
import { startServer } from '../e2e/server-process';
import { stopAll } from '../support/processes';
import { assertSippPassed, runSipp } from '../support/sipp';
import { UdpPeer, rawRequest } from '../sip-engine/udp-peer';

function offerWith(n: number): string {
  let sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n';
  for (let i = 0; i < n; i++) sdp += `m=audio ${20000 + 2 * i} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;
  return sdp;
}

describe('m-lines per offer on the real server', () => {
  afterAll(async () => stopAll());

  it('refuses 100 m-lines with 488; then 3 normal calls succeed', async () => {
    const server = await startServer();
    const peer = await new UdpPeer().open();
    try {
      const invite = rawRequest(peer.port, 'INVITE', { uri: `sip:100@127.0.0.1:${server.sipPort}`, headers: 'Content-Type: application/sdp\r\n', body: offerWith(100) });
      peer.send(invite, server.sipPort);
      const callId = /Call-ID: (\S+)/.exec(invite)![1]!;
      const final = await peer.waitFor((m) => m.kind === 'response' && (m as SipResponse).status >= 200 && (m as SipResponse).get('call-id') === callId, 'a final answer', 15_000);
      expect((final as SipResponse).status).toBe(488);
      const calls = await runSipp({ scenario: 'uac-basic', remote: `127.0.0.1:${server.sipPort}`, service: '100', calls: 3, keys: { hold_ms: 500 }, hardTimeoutMs: 30_000 });
      assertSippPassed(await calls.done(), 3);
    } finally {
      peer.close();
      await server.proc.stop();
    }
  });
});
