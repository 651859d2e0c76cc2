import * as dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { Endpoint, Transport, TransportEvents } from './types';

/** SIP over UDP: one socket, one datagram per message. */
export class UdpTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly protocol = 'udp' as const;
  private readonly socket: dgram.Socket;
  private bound = { address: '', port: 0 };

  constructor(private readonly address: string, private readonly port: number) {
    super();
    this.socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    this.socket.on('message', (bytes, rinfo) => {
      this.emit('data', bytes, {
        protocol: 'udp', address: rinfo.address, port: rinfo.port,
        localAddress: this.bound.address, localPort: this.bound.port,
      });
    });
    // ICMP port unreachable and the like surface as errors on the socket; a UDP send has no one to tell.
    this.socket.on('error', () => undefined);
  }

  get local() {
    return this.bound;
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(this.port, this.address, () => {
        this.socket.off('error', reject);
        const a = this.socket.address();
        this.bound = { address: a.address, port: a.port };
        resolve();
      });
    });
  }

  send(dest: Endpoint, bytes: Buffer, onError?: (err: Error) => void): void {
    this.socket.send(bytes, dest.port, dest.address, (err) => {
      if (err && onError) onError(err);
    });
  }

  hasConnection(): boolean {
    return false;
  }

  connectionTo(): string | undefined {
    return undefined;
  }

  closeConnection(): void {
    // datagrams have no connection
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve(); // already closed
      }
    });
  }
}
