import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { AppConnection } from './app-connection';
import { FrameDecoder } from './framing';
import { listenOn } from '../transport/listen';

export interface AdminServerOptions {
  address: string;
  port: number;
  secret: string;
  /** `udp/127.0.0.1:5060,tcp/…`: what `authenticate` answers as the server's hostports. */
  hostports: () => string;
  version: string;
  /** Rewrites every payload sent to apps (the drachtio-server compatible mode). */
  rewrite?: (payload: string) => string;
}

export interface AdminServerEvents {
  /** A `sip` command: tokens of the leader (after msgId and type) and the SIP text after the CRLF. */
  sip: [conn: AppConnection, msgId: string, tokens: string[], sipText: string];
  /**
   * A `proxy` command: tokens of the leader after msgId and type (txnId, options, destinations), and
   * the SIP message drachtio-srf writes after it (the first destination as URI, the app's headers).
   */
  proxy: [conn: AppConnection, msgId: string, tokens: string[], sipText: string];
  connectionClosed: [conn: AppConnection];
  protocolError: [remote: string, reason: string];
}

/**
 * The drachtio admin socket: apps connect, authenticate with the shared secret, ask for routes
 * (`route|invite`), ping, and send SIP. Requests of a method go round-robin to the apps that routed it.
 */
export class AdminServer extends EventEmitter<AdminServerEvents> {
  private readonly server: net.Server;
  private readonly connections = new Map<string, AppConnection>();
  private readonly roundRobin = new Map<string, number>();
  private nextId = 1;
  private bound = 0;

  constructor(private readonly options: AdminServerOptions) {
    super();
    this.server = net.createServer((socket) => this.accept(socket));
  }

  get port(): number {
    return this.bound;
  }

  async listen(): Promise<void> {
    this.bound = (await listenOn(this.server, this.options.port, this.options.address)).port;
  }

  async close(): Promise<void> {
    for (const c of this.connections.values()) c.close();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get(id: string): AppConnection | undefined {
    const c = this.connections.get(id);
    return c && !c.closed ? c : undefined;
  }

  /** The app that gets the next new request of this method, or undefined (→ 503). */
  pick(method: string): AppConnection | undefined {
    const verb = method.toLowerCase();
    const candidates = [...this.connections.values()].filter((c) => c.authenticated && !c.closed && c.routes.has(verb));
    if (candidates.length === 0) return undefined;
    const n = (this.roundRobin.get(verb) ?? 0) % candidates.length;
    this.roundRobin.set(verb, n + 1);
    return candidates[n];
  }

  private accept(socket: net.Socket): void {
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    const conn = new AppConnection(`app-${this.nextId++}`, socket, this.options.rewrite);
    this.connections.set(conn.id, conn);
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      let payloads: string[];
      try {
        payloads = decoder.push(chunk);
      } catch (err) {
        this.emit('protocolError', conn.remote, (err as Error).message);
        socket.destroy();
        return;
      }
      for (const p of payloads) this.dispatch(conn, p);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      conn.closed = true;
      this.connections.delete(conn.id);
      this.emit('connectionClosed', conn);
    });
  }

  private dispatch(conn: AppConnection, payload: string): void {
    const crlf = payload.indexOf('\r\n');
    const leader = crlf === -1 ? payload : payload.slice(0, crlf);
    const tokens = leader.split('|');
    const msgId = tokens[0] ?? '';
    const type = tokens[1] ?? '';
    if (type === 'authenticate') {
      if (secretMatches(tokens[2] ?? '', this.options.secret)) {
        conn.authenticated = true;
        conn.tags.push(...(tokens[3] ?? '').split(',').filter(Boolean));
        const hp = this.options.hostports();
        conn.reply(msgId, `OK|${hp}|${this.options.version}|${hp}`);
      } else {
        conn.reply(msgId, 'NO|incorrect secret');
        conn.close();
      }
      return;
    }
    if (!conn.authenticated) {
      conn.reply(msgId, 'NO|not authenticated');
      conn.close();
      return;
    }
    switch (type) {
      case 'route':
        conn.routes.add((tokens[2] ?? '').toLowerCase());
        conn.reply(msgId, 'OK');
        return;
      case 'remove_route':
        conn.routes.delete((tokens[2] ?? '').toLowerCase());
        conn.reply(msgId, 'OK');
        return;
      case 'ping':
        conn.reply(msgId, 'OK|pong');
        return;
      case 'sip':
        this.emit('sip', conn, msgId, tokens.slice(2), crlf === -1 ? '' : payload.slice(crlf + 2));
        return;
      case 'proxy':
        this.emit('proxy', conn, msgId, tokens.slice(2), crlf === -1 ? '' : payload.slice(crlf + 2));
        return;
      default:
        conn.reply(msgId, 'NO|Unknown message type');
        this.emit('protocolError', conn.remote, `unknown message type ${type.slice(0, 40)}`);
        conn.close();
    }
  }
}

function secretMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
