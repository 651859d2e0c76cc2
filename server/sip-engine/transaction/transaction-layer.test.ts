import { parseMessage } from '../message/parser';
import { makeResponse, SipRequest, SipResponse } from '../message/message';
import type { Endpoint, Source } from '../transport/types';
import { FakeClock } from './clock';
import { TransactionLayer, type ServerTransaction } from './transaction-layer';

const udp: Source = { protocol: 'udp', address: '127.0.0.1', port: 5070, localAddress: '127.0.0.1', localPort: 5060 };
const tcp: Source = { ...udp, protocol: 'tcp', connectionId: 'tcp-1' };

function request(method: string, branch = 'z9hG4bK-abc', transport = 'UDP'): SipRequest {
  const text = `${method} sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/${transport} 127.0.0.1:5070;branch=${branch}\r\n` +
    `From: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 ${method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
  return parseMessage(Buffer.from(text)) as SipRequest;
}

function setup() {
  const clock = new FakeClock();
  const sent: Array<{ text: string; dest: Endpoint }> = [];
  const events: string[] = [];
  const requests: ServerTransaction[] = [];
  const layer = new TransactionLayer(
    {
      sendBytes: (bytes, dest) => sent.push({ text: bytes.toString(), dest }),
      responseDestination: (res) => ({ protocol: 'udp', address: '127.0.0.1', port: res.topVia().port ?? 5060 }),
    },
    {
      onRequest: (t) => { requests.push(t); events.push(`request ${t.request.method}`); },
      onAck: () => events.push('ack'),
      onStrayResponse: (r) => events.push(`stray ${r.status}`),
    },
    { clock },
  );
  const firstLines = () => sent.map((s) => s.text.split('\r\n')[0]);
  return { clock, sent, events, requests, layer, firstLines };
}

describe('INVITE client transaction', () => {
  it('retransmits with timer A doubling over UDP and times out with 408 after 64*T1', () => {
    const { clock, layer, sent } = setup();
    const got: number[] = [];
    layer.sendRequest(request('INVITE'), { protocol: 'udp', address: '127.0.0.1', port: 5070 }, { onResponse: (r) => got.push(r.status) });
    clock.advance(500); clock.advance(1000); clock.advance(2000);
    expect(sent).toHaveLength(4); // initial + 3 retransmissions at 0.5, 1.5, 3.5 s
    clock.advance(28500);
    expect(got).toEqual([408]);
    expect(layer.counts.client).toBe(0);
  });

  it('does not retransmit over TCP', () => {
    const { clock, layer, sent } = setup();
    layer.sendRequest(request('INVITE', 'z9hG4bK-t', 'TCP'), { protocol: 'tcp', address: '127.0.0.1', port: 5070 }, { onResponse: () => undefined });
    clock.advance(10000);
    expect(sent).toHaveLength(1);
  });

  it('ACKs a non-2xx final response itself and absorbs its retransmissions with one more ACK each', () => {
    const { clock, layer, firstLines } = setup();
    const req = request('INVITE');
    const got: number[] = [];
    layer.sendRequest(req, { protocol: 'udp', address: '127.0.0.1', port: 5070 }, { onResponse: (r) => got.push(r.status) });
    const busy = makeResponse(req, 486, 'b');
    layer.handleResponse(busy, udp);
    layer.handleResponse(busy, udp);
    expect(got).toEqual([486]);
    expect(firstLines()).toEqual(['INVITE sip:bob@127.0.0.1 SIP/2.0', 'ACK sip:bob@127.0.0.1 SIP/2.0', 'ACK sip:bob@127.0.0.1 SIP/2.0']);
    clock.advance(32000);
    expect(layer.counts.client).toBe(0);
  });

  it('passes 2xx and its retransmissions up while Accepted (RFC 6026), then forgets the transaction after timer M', () => {
    const { clock, layer, events } = setup();
    const req = request('INVITE');
    const got: number[] = [];
    layer.sendRequest(req, { protocol: 'udp', address: '127.0.0.1', port: 5070 }, { onResponse: (r) => got.push(r.status) });
    layer.handleResponse(makeResponse(req, 180, 'b'), udp);
    clock.advance(5000); // no retransmission once proceeding
    const ok = makeResponse(req, 200, 'b');
    layer.handleResponse(ok, udp);
    layer.handleResponse(ok, udp);
    expect(got).toEqual([180, 200, 200]);
    clock.advance(32000);
    layer.handleResponse(ok, udp);
    expect(events).toEqual(['stray 200']);
  });
});

describe('non-INVITE client transaction', () => {
  it('retransmits with timer E capped at T2, and stays at T2 once proceeding', () => {
    const { clock, layer, sent } = setup();
    const req = request('OPTIONS');
    layer.sendRequest(req, { protocol: 'udp', address: '127.0.0.1', port: 5070 }, { onResponse: () => undefined });
    clock.advance(500 + 1000 + 2000 + 4000 + 4000); // E: 0.5, 1, 2, 4, 4
    expect(sent).toHaveLength(6);
    layer.handleResponse(makeResponse(req, 100), udp);
    clock.advance(4000);
    expect(sent).toHaveLength(7);
  });

  it('reports 408 when timer F fires, and the final response once', () => {
    const { clock, layer } = setup();
    const got: number[] = [];
    layer.sendRequest(request('BYE'), { protocol: 'udp', address: '127.0.0.1', port: 5070 }, { onResponse: (r) => got.push(r.status) });
    clock.advance(32000);
    expect(got).toEqual([408]);
  });
});

describe('INVITE server transaction', () => {
  it('sends 100 Trying at once and answers a retransmitted INVITE with the last provisional response', () => {
    const { layer, events, requests, firstLines } = setup();
    const req = request('INVITE');
    layer.handleRequest(req, udp);
    layer.handleRequest(request('INVITE'), udp);
    requests[0]!.respond(makeResponse(req, 180, 't'));
    layer.handleRequest(request('INVITE'), udp);
    expect(events).toEqual(['request INVITE']);
    expect(firstLines()).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 100 Trying', 'SIP/2.0 180 Ringing', 'SIP/2.0 180 Ringing']);
  });

  it('retransmits a non-2xx final with timer G until the ACK, which the transaction absorbs', () => {
    const { clock, layer, events, requests, sent } = setup();
    const req = request('INVITE');
    layer.handleRequest(req, udp);
    requests[0]!.respond(makeResponse(req, 486, 't'));
    clock.advance(500 + 1000 + 2000);
    expect(sent.filter((s) => s.text.startsWith('SIP/2.0 486'))).toHaveLength(4);
    layer.handleRequest(request('ACK'), udp);
    clock.advance(10000);
    expect(sent.filter((s) => s.text.startsWith('SIP/2.0 486'))).toHaveLength(4);
    expect(events).toEqual(['request INVITE']);
    expect(layer.counts.server).toBe(0);
  });

  it('gives up with timer H when no ACK comes', () => {
    const { clock, layer, requests } = setup();
    const req = request('INVITE');
    layer.handleRequest(req, udp);
    requests[0]!.respond(makeResponse(req, 404, 't'));
    clock.advance(32000);
    expect(layer.counts.server).toBe(0);
  });

  it('hands an ACK for a 2xx (new branch) to the user, not to the transaction', () => {
    const { layer, events, requests } = setup();
    const req = request('INVITE');
    layer.handleRequest(req, udp);
    requests[0]!.respond(makeResponse(req, 200, 't'));
    layer.handleRequest(request('ACK', 'z9hG4bK-other'), udp);
    expect(events).toEqual(['request INVITE', 'ack']);
  });

  it('finds the INVITE a CANCEL refers to', () => {
    const { layer } = setup();
    layer.handleRequest(request('INVITE'), udp);
    expect(layer.findInviteFor(request('CANCEL'))).toBeDefined();
    expect(layer.findInviteFor(request('CANCEL', 'z9hG4bK-nope'))).toBeUndefined();
  });

  it('throws on an illegal use (a second final response)', () => {
    const { layer, requests } = setup();
    const req = request('INVITE');
    layer.handleRequest(req, udp);
    requests[0]!.respond(makeResponse(req, 486, 't'));
    expect(() => requests[0]!.respond(makeResponse(req, 200, 't'))).toThrow(/cannot send 200/);
  });
});

describe('non-INVITE server transaction', () => {
  it('answers retransmissions with the final response and lingers for timer J over UDP only', () => {
    const { clock, layer, requests, sent } = setup();
    const req = request('OPTIONS');
    layer.handleRequest(req, udp);
    requests[0]!.respond(makeResponse(req, 200, 't'));
    layer.handleRequest(request('OPTIONS'), udp);
    expect(sent.map((s) => s.text.split('\r\n')[0])).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
    clock.advance(31999);
    expect(layer.counts.server).toBe(1);
    clock.advance(1);
    expect(layer.counts.server).toBe(0);

    layer.handleRequest(request('OPTIONS', 'z9hG4bK-tcp', 'TCP'), tcp);
    requests[1]!.respond(makeResponse(requests[1]!.request, 200, 't'));
    clock.advance(0);
    expect(layer.counts.server).toBe(0);
  });

  it('ignores a late response to nothing', () => {
    const { layer, events } = setup();
    const r = new SipResponse(200, 'OK');
    r.append('Via', 'SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-none').append('CSeq', '1 OPTIONS');
    layer.handleResponse(r, udp);
    expect(events).toEqual(['stray 200']);
  });
});

describe('a send that fails at once', () => {
  it.each(['INVITE', 'OPTIONS'])('terminates the %s client transaction and leaves no timer armed', (method) => {
    const clock = new FakeClock();
    const got: number[] = [];
    const layer = new TransactionLayer(
      { sendBytes: (_b, _d, onError) => onError?.(new Error('no connection')), responseDestination: () => ({ protocol: 'udp', address: '127.0.0.1', port: 5060 }) },
      { onRequest: () => undefined, onAck: () => undefined, onStrayResponse: () => undefined },
      { clock },
    );
    layer.sendRequest(request(method), { protocol: 'udp', address: '127.0.0.1', port: 5070 }, { onResponse: (r) => got.push(r.status) });
    expect(got).toEqual([503]);
    expect(layer.counts.client).toBe(0);
    expect(clock.pending).toBe(0);
  });
});
