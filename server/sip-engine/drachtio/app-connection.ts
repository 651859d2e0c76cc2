import { randomUUID } from 'node:crypto';
import type * as net from 'node:net';

/** One drachtio-srf application connected to the engine's admin socket. */
export class AppConnection {
  authenticated = false;
  closed = false;
  readonly routes = new Set<string>();
  readonly tags: string[] = [];

  /** `rewrite`: how each outgoing payload is shown (see server-compat.ts); none by default. */
  constructor(readonly id: string, private readonly socket: net.Socket, private readonly rewrite?: (payload: string) => string) {}

  get remote(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  /** Sends a server-initiated message (`<uuid>|<payload>`). */
  send(payload: string): void {
    if (this.closed) return;
    const framed = `${randomUUID()}|${this.rewrite ? this.rewrite(payload) : payload}`;
    this.socket.write(`${Buffer.byteLength(framed)}#${framed}`);
  }

  /** Answers the client's command `msgId`. */
  reply(msgId: string, payload: string): void {
    this.send(`response|${msgId}|${payload}`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
  }
}
