import * as net from 'node:net';
import * as tls from 'node:tls';
import { EventEmitter } from 'node:events';
import { StreamFramer } from '../message/stream-framer';
import { listenOn } from './listen';
import type { SourceLimits } from './source-limits';
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
  /** SIP over TLS (RFC 3261 §26): our certificate and key (PEM), and how peers' certificates are checked. */
  tls?: TlsCredentials;
  /** Connections per source address (accepted ones) and the incomplete-message timeout. */
  limits?: SourceLimits;
}

export interface TlsCredentials {
  cert: Buffer | string;
  key: Buffer | string;
  /** Certificates (PEM) trusted besides the system's, to verify the servers we connect to. */
  ca?: Buffer | string;
  /** Verify the certificate of a server we connect to (name and chain). Default true. */
  verifyPeer?: boolean;
  /** Hosts (`host` or `host:port`) whose certificate is not verified — a per-trunk override. */
  noVerify?: string[];
}

/**
 * SIP over TCP, or TLS: accepts connections and opens them on demand; a message to an address
 * reuses the open connection to it (RFC 3261 §18), so responses and later requests follow the flow.
 */
export class TcpTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly protocol: 'tcp' | 'tls';
  private readonly server: net.Server;
  private readonly byId = new Map<string, Connection>();
  private readonly byRemote = new Map<string, Connection>();
  private bound = { address: '', port: 0 };
  private nextId = 1;

  constructor(private readonly address: string, private readonly port: number, private readonly options: TcpTransportOptions = {}) {
    super();
    const creds = options.tls;
    this.protocol = creds ? 'tls' : 'tcp';
    const limits = options.limits;
    this.server = creds
      ? tls.createServer({ cert: creds.cert, key: creds.key, ...(limits ? { handshakeTimeout: limits.incompleteMessageMs } : {}) })
      : net.createServer();
    // connections are counted per source on the raw socket, before a TLS handshake costs us anything
    this.server.on('connection', (socket: net.Socket) => {
      if (limits) {
        const address = stripV4Mapped(socket.remoteAddress ?? '');
        if (!limits.admitConnection(address)) {
          socket.destroy();
          return;
        }
        socket.once('close', () => limits.connectionClosed(address));
      }
      if (!creds) this.adopt(socket);
    });
    if (creds) this.server.on('secureConnection', (socket: tls.TLSSocket) => this.adopt(socket));
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
    let fresh = false;
    if (!conn) {
      conn = this.adopt(this.connect(dest), dest);
      fresh = true;
    }
    const c = conn;
    c.socket.write(bytes, (err) => {
      if (err && onError) onError(err);
    });
    if (onError) {
      const failed = (err: Error) => onError(err);
      c.socket.once('error', failed);
      // the listener is for this write's outcome: a new connection's until it is up (a refused
      // connection, a failed TLS handshake or certificate check), otherwise the immediate one
      if (fresh) c.socket.once(this.protocol === 'tls' ? 'secureConnect' : 'connect', () => c.socket.off('error', failed));
      else setImmediate(() => c.socket.off('error', failed));
    }
  }

  private connect(dest: Endpoint): net.Socket {
    const creds = this.options.tls;
    if (!creds) return net.connect({ host: dest.address, port: dest.port });
    const name = dest.hostname ?? dest.address;
    const skip = creds.noVerify?.some((h) => h === name || h === `${name}:${dest.port}` || h === dest.address || h === `${dest.address}:${dest.port}`);
    const options: tls.ConnectionOptions = {
      host: dest.address, port: dest.port, cert: creds.cert, key: creds.key,
      rejectUnauthorized: (creds.verifyPeer ?? true) && !skip,
      // the certificate must name the host of the URI we resolved, not only its address
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert),
    };
    if (creds.ca) options.ca = [...tls.rootCertificates, creds.ca.toString()];
    if (dest.hostname && !net.isIP(dest.hostname)) options.servername = dest.hostname;
    return tls.connect(options);
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
    const id = `${this.protocol}-${this.nextId++}`;
    const remoteAddress = dest?.address ?? stripV4Mapped(socket.remoteAddress ?? '');
    const remotePort = dest?.port ?? socket.remotePort ?? 0;
    const conn: Connection = {
      id,
      socket,
      framer: new StreamFramer(),
      source: {
        protocol: this.protocol, address: remoteAddress, port: remotePort, connectionId: id,
        localAddress: this.bound.address, localPort: this.bound.port,
      },
    };
    this.byId.set(id, conn);
    this.byRemote.set(`${remoteAddress}:${remotePort}`, conn);
    socket.setTimeout(this.options.idleTimeoutMs ?? 600_000, () => socket.destroy());
    // a message must arrive whole within the limit from its first byte (a stalled or trickling peer is closed)
    const limits = this.options.limits;
    let incomplete: NodeJS.Timeout | undefined;
    const stopIncomplete = () => {
      clearTimeout(incomplete);
      incomplete = undefined;
    };
    socket.on('data', (chunk: Buffer) => {
      for (const frame of conn.framer.push(chunk)) {
        if (frame.type === 'message') stopIncomplete();
        if (frame.type === 'message') this.emit('data', frame.bytes, conn.source);
        else if (frame.type === 'ping') socket.write('\r\n');
        else {
          this.emit('framingError', frame.reason, frame.bytes, conn.source);
          socket.end();
        }
      }
      if (conn.framer.pending === 0) stopIncomplete();
      else if (limits && !incomplete && !socket.destroyed) {
        incomplete = setTimeout(() => {
          limits.incompleteMessage(remoteAddress);
          socket.destroy();
        }, limits.incompleteMessageMs);
        incomplete.unref();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      stopIncomplete();
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
