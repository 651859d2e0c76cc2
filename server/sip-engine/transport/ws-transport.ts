import * as http from 'node:http';
import * as https from 'node:https';
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_MESSAGE_SIZE } from '../message/parser';
import { stripV4Mapped } from './tcp-transport';
import { listenOn } from './listen';
import type { SourceLimits } from './source-limits';
import type { Endpoint, Source, Transport, TransportEvents } from './types';

export interface WsTransportOptions {
  secure: boolean;
  address: string;
  port: number;
  /** PEM file paths, required when secure. */
  tls?: { cert: string; key: string };
  /** Connections per source address, and the time the HTTP upgrade may take (the incomplete-message timeout). */
  limits?: SourceLimits;
}

interface Connection {
  id: string;
  ws: WebSocket;
  source: Source;
}

/**
 * SIP over WebSocket (RFC 7118): the `sip` subprotocol, one SIP message per WebSocket message.
 * Browsers cannot be called back, so messages to a peer go over the connection it opened (the
 * flow); when it closes the peer is unreachable. CRLF CRLF pings get a CRLF pong (RFC 5626 §4.4.1).
 */
export class WsTransport extends EventEmitter<TransportEvents> implements Transport {
  readonly protocol: 'ws' | 'wss';
  private readonly server: http.Server | https.Server;
  private readonly wss: WebSocketServer;
  private readonly byId = new Map<string, Connection>();
  private readonly byRemote = new Map<string, Connection>();
  private bound = { address: '', port: 0 };
  private nextId = 1;

  constructor(private readonly options: WsTransportOptions) {
    super();
    this.protocol = options.secure ? 'wss' : 'ws';
    const limits = options.limits;
    // how often node checks for handshakes past the timeout below (its default is every 30 s)
    const checking = limits ? { connectionsCheckingInterval: Math.min(1000, limits.incompleteMessageMs) } : {};
    if (options.secure) {
      if (!options.tls) throw new Error('a wss transport needs tls.cert and tls.key');
      this.server = https.createServer({ cert: readFileSync(options.tls.cert), key: readFileSync(options.tls.key), ...checking });
    } else {
      this.server = http.createServer(checking);
    }
    if (limits) {
      // counted on the raw connection, before any HTTP or TLS work; a handshake that stalls is closed
      this.server.headersTimeout = limits.incompleteMessageMs;
      this.server.requestTimeout = limits.incompleteMessageMs;
      this.server.prependListener('connection', (socket: import('node:net').Socket) => {
        const address = stripV4Mapped(socket.remoteAddress ?? '');
        if (!limits.admitConnection(address)) {
          socket.destroy();
          return;
        }
        socket.once('close', () => limits.connectionClosed(address));
      });
      this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
        if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') limits.incompleteMessage(stripV4Mapped((socket as import('node:net').Socket).remoteAddress ?? ''));
        socket.destroy();
      });
    }
    this.server.on('request', (_req, res) => {
      res.writeHead(426, { 'Content-Type': 'text/plain' }).end('SIP over WebSocket only (subprotocol "sip")\n');
    });
    this.wss = new WebSocketServer({
      server: this.server,
      maxPayload: MAX_MESSAGE_SIZE,
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    });
    this.wss.on('connection', (ws, req) => this.adopt(ws, stripV4Mapped(req.socket.remoteAddress ?? ''), req.socket.remotePort ?? 0));
  }

  get local() {
    return this.bound;
  }

  async listen(): Promise<void> {
    this.bound = await listenOn(this.server, this.options.port, this.options.address);
  }

  send(dest: Endpoint, bytes: Buffer, onError?: (err: Error) => void): void {
    const conn = (dest.connectionId ? this.byId.get(dest.connectionId) : undefined) ?? this.byRemote.get(`${dest.address}:${dest.port}`);
    if (!conn || conn.ws.readyState !== conn.ws.OPEN) {
      onError?.(new Error(`no open ${this.protocol} connection to ${dest.address}:${dest.port}`));
      return;
    }
    conn.ws.send(bytes.toString('utf8'), (err) => {
      if (err && onError) onError(err);
    });
  }

  hasConnection(connectionId: string): boolean {
    return this.byId.has(connectionId);
  }

  connectionTo(address: string, port: number): string | undefined {
    return this.byRemote.get(`${address}:${port}`)?.id;
  }

  closeConnection(connectionId: string): void {
    this.byId.get(connectionId)?.ws.close(1008, 'not SIP');
  }

  async close(): Promise<void> {
    for (const c of this.byId.values()) c.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private adopt(ws: WebSocket, address: string, port: number): void {
    const id = `${this.protocol}-${this.nextId++}`;
    const source: Source = { protocol: this.protocol, address, port, connectionId: id, localAddress: this.bound.address, localPort: this.bound.port };
    const conn: Connection = { id, ws, source };
    this.byId.set(id, conn);
    this.byRemote.set(`${address}:${port}`, conn);
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      if (bytes.length === 4 && bytes.toString('latin1') === '\r\n\r\n') {
        ws.send('\r\n');
        return;
      }
      this.emit('data', bytes, source);
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.byId.delete(id);
      if (this.byRemote.get(`${address}:${port}`) === conn) this.byRemote.delete(`${address}:${port}`);
      this.emit('connectionClosed', source);
    });
  }
}
