import * as dgram from 'node:dgram';
import { parseMessage } from '../../server/sip-engine/message/parser';
import type { AnySipMessage } from '../../server/sip-engine/message/message';

/** A bare UDP SIP peer for tests: sends text, collects parsed messages. */
export class UdpPeer {
  readonly received: AnySipMessage[] = [];
  private readonly socket = dgram.createSocket('udp4');
  port = 0;

  async open(address = '127.0.0.1'): Promise<this> {
    this.socket.on('message', (b) => {
      try {
        this.received.push(parseMessage(b));
      } catch {
        // ignore what we cannot parse
      }
    });
    await new Promise<void>((r) => this.socket.bind(0, address, () => r()));
    this.port = this.socket.address().port;
    return this;
  }

  send(text: string | Buffer, port: number): void {
    this.socket.send(typeof text === 'string' ? Buffer.from(text) : text, port, '127.0.0.1');
  }

  /** Waits for a message matching the predicate (already received or arriving within timeoutMs). */
  async waitFor(pred: (m: AnySipMessage) => boolean, what: string, timeoutMs = 5000): Promise<AnySipMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.received.find(pred);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${this.received.map((x) => x.startLine()).join(' / ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.socket.close();
  }
}

let seq = 0;
/** A minimal request from this peer. */
export function rawRequest(peerPort: number, method: string, opts: { toTag?: string; headers?: string; body?: string; uri?: string; host?: string } = {}): string {
  const host = opts.host ?? '127.0.0.1';
  seq++;
  const body = opts.body ?? '';
  return `${method} ${opts.uri ?? 'sip:100@127.0.0.1'} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP ${host}:${peerPort};branch=z9hG4bK-raw-${seq};rport\r\n` +
    `From: <sip:peer@${host}>;tag=p${seq}\r\n` +
    `To: <sip:100@127.0.0.1>${opts.toTag ? `;tag=${opts.toTag}` : ''}\r\n` +
    `Call-ID: raw-${seq}-${process.pid}\r\nCSeq: 1 ${method}\r\nMax-Forwards: 70\r\n` +
    `Contact: <sip:peer@${host}:${peerPort}>\r\n${opts.headers ?? ''}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
