import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { badMessages, garbage, outcome, sendRaw, sipStatuses, type BadMessage } from './raw-sip';
import { freeSipPort } from './ports';
import { stopAll } from './processes';
import { runSipp } from './sipp';

afterEach(stopAll);

/** What the catalogue promises of a '400' case: a request whose core headers can be read. */
function coreHeadersReadable(bytes: Buffer): boolean {
  const text = bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const lines = (end >= 0 ? text.slice(0, end) : text).split('\r\n');
  if (/^SIP\/2\.0 /.test(lines[0])) return false; // a response
  const header = (name: string) => lines.slice(1).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1).trim();
  return /^SIP\/2\.0\/(UDP|TCP) [\d.]+:\d+;branch=z9hG4bK[\w.-]+/.test(header('Via') ?? '')
    && /^<sip:[^>]+>;tag=\S+$/.test(header('From') ?? '')
    && /^<sip:[^>]+>$/.test(header('To') ?? '')
    && /^\S+$/.test(header('Call-ID') ?? '')
    && /^\d+ \S+$/.test(header('CSeq') ?? '');
}

/** A 'drop' case with readable core headers must be a TCP message that cannot be answered yet or at all. */
function unframeableOrIncomplete(m: BadMessage): boolean {
  const text = m.bytes.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return m.bytes.length > 64 * 1024; // no end of headers within the engine's limit
  const length = Number(/\r\nContent-Length: *(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
  return m.bytes.length - (end + 4) < length; // body still to come
}

describe('badMessages', () => {
  const messages = badMessages({ localPort: 40123, target: '127.0.0.1:40999', unique: 'u1' });

  it('names each case once and covers both transports and both outcomes', () => {
    expect(new Set(messages.map((m) => m.name)).size).toBe(messages.length);
    for (const transport of ['udp', 'tcp'] as const) {
      for (const expect_ of ['400', 'drop'] as const) {
        expect(messages.some((m) => m.transport === transport && m.expect === expect_)).toBe(true);
      }
    }
  });

  it.each(messages.map((m) => [m.name, m] as const))('%s: expectation follows the rule', (_name, m) => {
    expect(m.bytes.length).toBeGreaterThan(0);
    expect(m.why.length).toBeGreaterThan(0);
    if (m.expect === '400') {
      expect(coreHeadersReadable(m.bytes)).toBe(true);
      expect(m.acceptStatuses[0]).toBe(400);
      if (m.transport === 'udp') expect(m.bytes.length).toBeLessThan(65507); // fits a datagram
    } else {
      expect(m.acceptStatuses).toEqual([]);
      if (coreHeadersReadable(m.bytes)) expect(unframeableOrIncomplete(m)).toBe(true);
    }
  });

  it('names the local port in the Vias and the target in the Request-URIs', () => {
    const cseq = messages.find((m) => m.name === 'cseq-method-mismatch')!.bytes.toString();
    expect(cseq).toMatch(/^OPTIONS sip:service@127\.0\.0\.1:40999 SIP\/2\.0\r\n/);
    expect(cseq).toMatch(/\r\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:40123;branch=z9hG4bK-cseq-method-mismatch-u1;rport\r\n/);
    expect(messages.find((m) => m.name === 'tcp-cseq-method-mismatch')!.bytes.toString()).toMatch(/Via: SIP\/2\.0\/TCP /);
    expect(messages.filter((m) => m.name.includes('over-64k')).every((m) => m.bytes.length > 65536)).toBe(true);
  });

  it('makes reproducible garbage', () => {
    expect(garbage(64, 3).equals(garbage(64, 3))).toBe(true);
    expect(garbage(64, 3).equals(garbage(64, 4))).toBe(false);
  });
});

describe('sendRaw', () => {
  const invite = (port: number, transport: 'UDP' | 'TCP', localPort: number) => [
    `INVITE sip:service@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/${transport} 127.0.0.1:${localPort};branch=z9hG4bK-raw-${Date.now()}`,
    'Max-Forwards: 70',
    `From: <sip:raw@127.0.0.1:${localPort}>;tag=raw1`,
    `To: <sip:service@127.0.0.1:${port}>`,
    `Call-ID: raw-${Date.now()}@127.0.0.1`,
    'CSeq: 1 INVITE',
    `Contact: <sip:raw@127.0.0.1:${localPort}>`,
    'Content-Length: 0',
    '', '',
  ].join('\r\n');

  it.each(['udp', 'tcp'] as const)('gets the responses of a real SIP peer over %s', async (transport) => {
    const uas = await runSipp({ scenario: 'uas-status', keys: { status: 486 }, transport: transport === 'udp' ? 'u1' : 't1' });
    const localPort = await freeSipPort();
    const reply = await sendRaw({
      port: uas.port, transport, localPort, data: invite(uas.port, transport === 'udp' ? 'UDP' : 'TCP', localPort),
      windowMs: 3000, until: (r) => r.statuses.includes(486),
    });
    expect(reply.statuses).toEqual([100, 486]);
    expect(reply.elapsedMs).toBeLessThan(2000);
    expect(outcome(reply)).toEqual([100, 486]);
    fs.rmSync((await uas.stop()).traceDir, { recursive: true, force: true }); // it still waits for our ACK
  });

  it('sends each chunk as its own datagram and collects until the window closes', async () => {
    const server = dgram.createSocket('udp4');
    const got: string[] = [];
    server.on('message', (msg, rinfo) => {
      got.push(msg.toString());
      server.send(`SIP/2.0 400 Bad Request\r\n\r\n`, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    const { port } = server.address();
    const reply = await sendRaw({ port, transport: 'udp', data: ['one', Buffer.from('two')], windowMs: 200 });
    server.close();
    expect(got).toEqual(['one', 'two']);
    expect(reply.chunks).toHaveLength(2);
    expect(reply.statuses).toEqual([400, 400]);
    expect(reply.elapsedMs).toBeGreaterThanOrEqual(190);
  });

  it('reports nothing back as a drop', async () => {
    const port = await freeSipPort();
    const reply = await sendRaw({ port, transport: 'udp', data: garbage(100), windowMs: 100 });
    expect(outcome(reply)).toBe('drop');
    expect(reply.error).toBeUndefined();
  });

  it('delivers a message over 64 KiB over TCP and sees the peer close', async () => {
    const big = badMessages().find((m) => m.name === 'tcp-body-over-64k')!;
    let received = 0;
    const server = net.createServer((conn) => {
      conn.on('data', (d: Buffer) => {
        received += d.length;
        if (received >= big.bytes.length) conn.end('SIP/2.0 513 Message Too Large\r\n\r\n');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as net.AddressInfo;
    const reply = await sendRaw({ port, transport: 'tcp', data: big.bytes, windowMs: 2000 });
    server.close();
    expect(received).toBe(big.bytes.length);
    expect(reply.statuses).toEqual([513]);
    expect(big.acceptStatuses).toContain(513);
    expect(reply.closedByPeer).toBe(true);
    expect(reply.elapsedMs).toBeLessThan(1500);
  });

  it('writes chunks separately over TCP when asked to pause between them', async () => {
    const reads: string[] = [];
    const server = net.createServer((conn) => conn.on('data', (d: Buffer) => reads.push(d.toString())));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as net.AddressInfo;
    const reply = await sendRaw({ port, transport: 'tcp', data: ['OPTIONS sip:a@b SIP/2.0\r\n', 'Via: x\r\n'], writeGapMs: 50, windowMs: 100 });
    server.close();
    expect(reads).toEqual(['OPTIONS sip:a@b SIP/2.0\r\n', 'Via: x\r\n']);
    expect(reply).toMatchObject({ closedByPeer: false, statuses: [] });
  });

  it('reports a refused TCP connection as an error, not a rejection', async () => {
    const port = await freeSipPort();
    const reply = await sendRaw({ port, transport: 'tcp', data: 'x', windowMs: 100 });
    expect(reply).toMatchObject({ error: 'ECONNREFUSED', closedByPeer: false, chunks: [] });
  });

  it('finds the status codes in a stream of responses', () => {
    expect(sipStatuses(Buffer.from('SIP/2.0 100 Trying\r\n\r\nSIP/2.0 486 Busy Here\r\nX: SIP/2.0 999 no\r\n\r\n')))
      .toEqual([100, 486]);
  });
});
