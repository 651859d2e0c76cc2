import * as net from 'node:net';
import { EventEmitter } from 'node:events';
import { StreamFramer } from '../message/stream-framer';
import { listenOn } from './listen';
import type { Endpoint, Source, Transport, TransportEvents } from './types';

interface Connection {
  id: string;
  socket: net.Socket;
  source: Source;
  framer: StreamFramer;
}

export interface TcpTransportOptions {
  /** Close a connection with no traffic for this long (ms). Default 10 minutes. */
  idleTimeoutMs?: number;
}

/**
 * SIP over TCP: accepts connections and opens them on demand; a message to an address reuses the
 * open connection to it (RFC 3261 §18), so responses and later requests follow the flow.
 */
export class TcpTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly protocol = 'tcp' as const;
  private readonly server: net.Server;
  private readonly byId = new Map<string, Connection>();
  private readonly byRemote = new Map<string, Connection>();
  private bound = { address: '', port: 0 };
  private nextId = 1;

  constructor(private readonly address: string, private readonly port: number, private readonly options: TcpTransportOptions = {}) {
    super();
    this.server = net.createServer((socket) => this.adopt(socket));
  }

  get local() {
    return this.bound;
  }

  async listen(): Promise<void> {
    this.bound = await listenOn(this.server, this.port, this.address);
  }

  send(dest: Endpoint, bytes: Buffer, onError?: (err: Error) => void): void {
    let conn = dest.connectionId ? this.byId.get(dest.connectionId) : undefined;
    conn ??= this.byRemote.get(`${dest.address}:${dest.port}`);
    if (!conn) {
      const socket = net.connect({ host: dest.address, port: dest.port });
      conn = this.adopt(socket, dest);
    }
    const c = conn;
    c.socket.write(bytes, (err) => {
      if (err && onError) onError(err);
    });
    if (onError) {
      const failed = (err: Error) => onError(err);
      c.socket.once('error', failed);
      // the listener is only for this write's immediate outcome
      setImmediate(() => c.socket.off('error', failed));
    }
  }

  hasConnection(connectionId: string): boolean {
    return this.byId.has(connectionId);
  }

  connectionTo(address: string, port: number): string | undefined {
    return this.byRemote.get(`${address}:${port}`)?.id;
  }

  closeConnection(connectionId: string): void {
    this.byId.get(connectionId)?.socket.end();
  }

  async close(): Promise<void> {
    for (const c of this.byId.values()) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private adopt(socket: net.Socket, dest?: Endpoint): Connection {
    socket.setNoDelay(true);
    const id = `tcp-${this.nextId++}`;
    const remoteAddress = dest?.address ?? stripV4Mapped(socket.remoteAddress ?? '');
    const remotePort = dest?.port ?? socket.remotePort ?? 0;
    const conn: Connection = {
      id,
      socket,
      framer: new StreamFramer(),
      source: {
        protocol: 'tcp', address: remoteAddress, port: remotePort, connectionId: id,
        localAddress: this.bound.address, localPort: this.bound.port,
      },
    };
    this.byId.set(id, conn);
    this.byRemote.set(`${remoteAddress}:${remotePort}`, conn);
    socket.setTimeout(this.options.idleTimeoutMs ?? 600_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      for (const frame of conn.framer.push(chunk)) {
        if (frame.type === 'message') this.emit('data', frame.bytes, conn.source);
        else if (frame.type === 'ping') socket.write('\r\n');
        else {
          this.emit('framingError', frame.reason, frame.bytes, conn.source);
          socket.end();
        }
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.byId.delete(id);
      if (this.byRemote.get(`${remoteAddress}:${remotePort}`) === conn) this.byRemote.delete(`${remoteAddress}:${remotePort}`);
      this.emit('connectionClosed', conn.source);
    });
    return conn;
  }
}

export function stripV4Mapped(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
