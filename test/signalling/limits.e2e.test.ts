/**
 * Input limits of the signalling app on the real SIP engine (drachtio-srf over it, SIPp and raw
 * UDP as trunks and phones): m-lines per offer, calls per second and calls in progress per trunk,
 * Contacts per REGISTER and bindings per operator, the digest uri. Each trips and good traffic passes.
 */
import * as path from 'node:path';
import { loadConfig, readConfigFiles } from '../../config';
import { SipEngine } from '../../server/sip-engine/engine';
import { startSignalling, type Signalling } from '../../server/signalling/signalling';
import { refuse, type TrunkCall } from '../../server/signalling/ingress';
import type { LimitName } from '../../server/signalling/limits';
import { MemoryBindingStore } from '../../server/store/bindings/memory-binding-store';
import type { SipResponse } from '../../server/sip-engine/message/message';
import { digestAnswer } from '../support/digest-client';
import { freeSipPort } from '../support/ports';
import { waitFor, stopAll } from '../support/processes';
import { assertSippPassed, runSipp } from '../support/sipp';
import { UdpPeer, rawRequest } from '../sip-engine/udp-peer';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

/** An offer with `n` audio m-lines. */
function offerWith(n: number): string {
  let sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n';
  for (let i = 0; i < n; i++) sdp += `m=audio ${20000 + 2 * i} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;
  return sdp;
}

interface Stack {
  port: number;
  signalling: Signalling;
  calls: TrunkCall[];
  trips: LimitName[];
  /** Messages logged (info and warn). */
  logged: string[];
  /** What onCall does with each call; default: refuse with 486. */
  handle: (call: TrunkCall) => void;
  close(): Promise<void>;
}

async function startStack(extraYaml: string): Promise<Stack> {
  const port = await freeSipPort();
  const config = loadConfig({}, [...readConfigFiles([path.join(__dirname, '../../config/demo.yaml')]), { path: 'limits.yaml', text: extraYaml }]);
  const engine = new SipEngine({ listen: [{ protocol: 'udp', address: '127.0.0.1', port }], admin: { address: '127.0.0.1', port: 0, secret: 's' } });
  await engine.start();
  const stack = {
    port, calls: [] as TrunkCall[], trips: [] as LimitName[], logged: [] as string[],
    handle: (call: TrunkCall) => refuse(call.res, 'queue-full'),
  } as Stack;
  stack.signalling = await startSignalling({
    config, drachtio: { host: '127.0.0.1', port: engine.adminPort, secret: 's' }, bindings: new MemoryBindingStore(),
    log: { info: (_o, msg) => stack.logged.push(msg ?? ''), warn: (_o, msg) => stack.logged.push(msg ?? '') },
    onLimit: (limit) => stack.trips.push(limit),
    onCall: (call) => {
      stack.calls.push(call);
      stack.handle(call);
    },
  });
  stack.close = async () => {
    stack.signalling.close();
    await engine.close();
  };
  return stack;
}

const isResponse = (status: number, callId?: string) => (m: { kind: string }) =>
  m.kind === 'response' && (m as SipResponse).status === status && (callId === undefined || (m as SipResponse).get('call-id') === callId);
const callIdOf = (request: string) => /Call-ID: (\S+)/.exec(request)![1]!;

describe('signalling limits', () => {
  afterAll(async () => stopAll());

  describe('m-lines per offer (sip.limits.maxMediaLines, default 4)', () => {
    let stack: Stack;
    beforeAll(async () => { stack = await startStack(''); });
    afterAll(async () => stack.close());

    it('refuses an INVITE with 100 m-lines with 488 before the call layer sees it; normal calls pass', async () => {
      const peer = await new UdpPeer().open();
      try {
        const invite = rawRequest(peer.port, 'INVITE', { uri: `sip:100@127.0.0.1:${stack.port}`, headers: 'Content-Type: application/sdp\r\n', body: offerWith(100) });
        peer.send(invite, stack.port);
        const refused = await peer.waitFor(isResponse(488, callIdOf(invite)), '488') as SipResponse;
        expect(refused.reason).toMatch(/too many media streams/);
        expect(stack.calls).toHaveLength(0);
        expect(stack.trips).toEqual(['media-lines']);
      } finally {
        peer.close();
      }
      const good = await runSipp({ scenario: 'uac-expect-status', remote: `127.0.0.1:${stack.port}`, service: '100', calls: 3, keys: { status: 486 } });
      assertSippPassed(await good.done(), 3);
      expect(stack.calls).toHaveLength(3);
    });
  });

  describe('calls per second per trunk (trunks[].maxCallsPerSecond)', () => {
    let stack: Stack;
    beforeAll(async () => { stack = await startStack('trunks: [{ id: local, allow: [127.0.0.1], maxCallsPerSecond: 2 }]'); });
    afterAll(async () => stack.close());

    it('answers 503 with Retry-After beyond the rate', async () => {
      const peer = await new UdpPeer().open();
      try {
        const invites = Array.from({ length: 10 }, () => rawRequest(peer.port, 'INVITE', { uri: `sip:100@127.0.0.1:${stack.port}` }));
        for (const invite of invites) peer.send(invite, stack.port);
        const finals = await Promise.all(invites.map((invite) => peer.waitFor(
          (m) => m.kind === 'response' && (m as SipResponse).status >= 400 && (m as SipResponse).get('call-id') === callIdOf(invite), 'a final answer', 15_000,
        ) as Promise<SipResponse>));
        const limited = finals.filter((r) => r.status === 503);
        expect(stack.calls.length).toBeGreaterThanOrEqual(2);
        expect(limited.length).toBeGreaterThanOrEqual(5);
        expect(stack.calls.length + limited.length).toBe(10);
        for (const r of limited) expect([r.reason, r.get('retry-after')]).toEqual(['Service Unavailable (call rate limit)', '1']);
        expect(stack.trips.filter((t) => t === 'trunk-calls-per-second')).toHaveLength(limited.length);
      } finally {
        peer.close();
      }
    });
  });

  describe('calls in progress per trunk (trunks[].maxConcurrentCalls)', () => {
    let stack: Stack;
    beforeAll(async () => { stack = await startStack('trunks: [{ id: local, allow: [127.0.0.1], maxConcurrentCalls: 1 }]'); });
    afterAll(async () => stack.close());

    it('answers 503 with Retry-After while a call is ringing or connected, and admits again once it ended', async () => {
      const peer = await new UdpPeer().open();
      const invite = () => {
        const text = rawRequest(peer.port, 'INVITE', { uri: `sip:100@127.0.0.1:${stack.port}` });
        peer.send(text, stack.port);
        return callIdOf(text);
      };
      try {
        // a call left ringing holds the place; refusing it (486) frees it
        stack.handle = () => undefined;
        invite();
        await waitFor(() => stack.calls.length === 1, 'the first call');
        const second = invite();
        const busy = await peer.waitFor(isResponse(503, second), '503') as SipResponse;
        expect([busy.reason, busy.get('retry-after')]).toEqual(['Service Unavailable (too many calls in progress)', '5']);
        refuse(stack.calls[0]!.res, 'queue-full');
        stack.handle = (call) => refuse(call.res, 'queue-full');
        const third = invite();
        await peer.waitFor(isResponse(486, third), '486 for the third call');
        expect(stack.calls).toHaveLength(2);

        // a CANCEL frees the place too (the engine answers it with 487 on its own)
        stack.handle = () => undefined;
        const cancelled = await runSipp({ scenario: 'uac-cancel', remote: `127.0.0.1:${stack.port}`, service: '100', keys: { cancel_after: 100 } });
        assertSippPassed(await cancelled.done(), 1);
        stack.handle = (call) => refuse(call.res, 'queue-full');
        const afterCancel = invite();
        await peer.waitFor(isResponse(486, afterCancel), '486 after the CANCEL');

        // an answered call holds the place until its dialog ends (BYE)
        stack.handle = (call) => void stack.signalling.srf.createUAS(call.req, call.res, { localSdp: SDP });
        const answered = await runSipp({ scenario: 'uac-basic', remote: `127.0.0.1:${stack.port}`, service: '100', keys: { hold_ms: 2000 } });
        await waitFor(() => stack.calls.length === 5, 'the answered call');
        stack.handle = (call) => refuse(call.res, 'queue-full');
        const during = invite();
        await peer.waitFor(isResponse(503, during), '503 during the answered call');
        assertSippPassed(await answered.done(), 1); // BYE answered: the dialog is gone
        const after = invite();
        await peer.waitFor(isResponse(486, after), 'a call admitted after the BYE');
        expect(stack.trips).toEqual(['trunk-concurrent-calls', 'trunk-concurrent-calls']);
      } finally {
        peer.close();
      }
    });
  });

  describe('log lines about bad input (logging.badInputPerMinute)', () => {
    let stack: Stack;
    beforeAll(async () => { stack = await startStack('logging: { badInputPerMinute: 2 }'); });
    afterAll(async () => stack.close());

    it('logs a few refusals per source a minute, not one per message', async () => {
      const peer = await new UdpPeer().open();
      try {
        const invites = Array.from({ length: 20 }, () => rawRequest(peer.port, 'INVITE', { uri: `sip:999@127.0.0.1:${stack.port}` }));
        for (const invite of invites) peer.send(invite, stack.port);
        await Promise.all(invites.map((invite) => peer.waitFor(isResponse(404, callIdOf(invite)), '404', 15_000)));
        expect(stack.logged.filter((m) => m === 'call refused')).toHaveLength(2);
      } finally {
        peer.close();
      }
    });
  });

  describe('registrations (sip.limits.maxContactsPerRegister, maxBindingsPerOperator)', () => {
    let stack: Stack;
    let peer: UdpPeer;
    let n = 0;
    beforeAll(async () => {
      stack = await startStack('sip: { limits: { maxContactsPerRegister: 10, maxBindingsPerOperator: 3 } }');
      peer = await new UdpPeer().open();
    });
    afterAll(async () => {
      peer.close();
      await stack.close();
    });

    /** REGISTER as alice with these Contact values: 401, then with credentials; resolves with the final answer. */
    async function register(contacts: string[], digestUri = 'sip:switchboard.local'): Promise<SipResponse> {
      const callId = `reg-${++n}-${process.pid}`;
      const send = (cseq: number, auth?: string) => peer.send(
        `REGISTER sip:switchboard.local SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-${callId}-${cseq};rport\r\n` +
        `From: <sip:alice@switchboard.local>;tag=t${n}\r\nTo: <sip:alice@switchboard.local>\r\nCall-ID: ${callId}\r\nCSeq: ${cseq} REGISTER\r\n` +
        `Max-Forwards: 70\r\nContact: ${contacts.join(', ')}\r\nExpires: 300\r\n${auth ? `Authorization: ${auth}\r\n` : ''}Content-Length: 0\r\n\r\n`, stack.port);
      const answer = (cseq: number) => (m: { kind: string }) => m.kind === 'response' && (m as SipResponse).get('call-id') === callId && (m as SipResponse).get('cseq') === `${cseq} REGISTER`;
      send(1);
      const challenge = await peer.waitFor(answer(1), '401') as SipResponse;
      expect(challenge.status).toBe(401);
      send(2, digestAnswer(challenge.get('www-authenticate')!, { user: 'alice', password: 'alice-demo', method: 'REGISTER', uri: digestUri }));
      return await peer.waitFor(answer(2), 'the final answer', 10_000) as SipResponse;
    }

    const contact = (i: number) => `<sip:alice-${i}@127.0.0.1:${10000 + i}>`;

    it('refuses a REGISTER with 1,000 Contacts with 403 and stores none', async () => {
      const res = await register(Array.from({ length: 1000 }, (_, i) => contact(i)));
      expect([res.status, res.reason]).toEqual([403, 'Forbidden (at most 10 Contacts per REGISTER)']);
      expect(await stack.signalling.registrar.lookup('alice')).toEqual([]);
      expect(stack.trips).toContain('contacts-per-register');
    });

    it('keeps at most maxBindingsPerOperator bindings: a new device replaces the one expiring soonest', async () => {
      for (let i = 1; i <= 5; i++) expect((await register([contact(i)])).status).toBe(200);
      const bindings = await stack.signalling.registrar.lookup('alice');
      expect(bindings.map((b) => b.contact).sort()).toEqual([3, 4, 5].map((i) => contact(i).slice(1, -1)).sort());
      expect(stack.trips.filter((t) => t === 'bindings-per-operator')).toHaveLength(2);
      const alone = await register([6, 7, 8, 9].map(contact));
      expect([alone.status, alone.reason]).toEqual([403, 'Forbidden (at most 3 bindings per operator)']);
    });

    it('does not accept credentials computed for another Request-URI', async () => {
      const res = await register([contact(20)], 'sip:elsewhere.example');
      expect(res.status).toBe(401);
      expect((await stack.signalling.registrar.lookup('alice')).map((b) => b.contact)).not.toContain(contact(20).slice(1, -1));
    });
  });
});
