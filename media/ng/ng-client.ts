import * as dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { decode, encode, type BencodeValue, type DecodedValue } from './bencode';
import { MediaError, MediaErrorCode } from '../errors';
import { silentLogger, type MediaLogger } from '../logger';

export interface NgClientOptions {
  host: string;
  port: number;
  /** Time allowed for one request, retransmissions included. Default 2000 ms. */
  timeoutMs?: number;
  /** Interval between retransmissions of an unanswered request (same cookie). Default 400 ms. */
  retransmitMs?: number;
  /** Requests in flight at once; more are refused. Default 4096. */
  maxPending?: number;
  logger?: MediaLogger;
}

export type NgParams = { [key: string]: BencodeValue | undefined };
export type NgReply = { result: string; 'error-reason'?: string; warning?: string; [key: string]: DecodedValue | undefined };

interface Pending {
  command: string;
  resolve: (reply: NgReply) => void;
  reject: (err: MediaError) => void;
  timer: NodeJS.Timeout;
  retransmit: NodeJS.Timeout;
}

/**
 * A client of rtpengine's ng control protocol over UDP: `COOKIE SPACE BENCODED-DICT`.
 * Every request is bounded by a timeout; a refused port (the daemon is gone) fails all
 * requests in flight at once with ERR_MEDIA_RELAY_DOWN instead of waiting for the timeout.
 */
export class NgClient {
  private readonly socket: dgram.Socket;
  private readonly pending = new Map<string, Pending>();
  private readonly prefix = randomBytes(4).toString('hex');
  private readonly timeoutMs: number;
  private readonly retransmitMs: number;
  private readonly maxPending: number;
  private readonly logger: MediaLogger;
  private readonly connected: Promise<void>;
  private seq = 0;
  private closed = false;
  private abortConnect: ((err: Error) => void) | undefined;

  constructor(private readonly options: NgClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.retransmitMs = options.retransmitMs ?? 400;
    this.maxPending = options.maxPending ?? 4096;
    this.logger = options.logger ?? silentLogger;
    this.socket = dgram.createSocket('udp4');
    this.socket.unref();
    this.socket.on('message', (msg) => this.onMessage(msg));
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.onSocketError(err));
    this.connected = new Promise((resolve, reject) => {
      this.abortConnect = reject;
      this.socket.once('error', reject);
      this.socket.connect(options.port, options.host, () => {
        this.socket.off('error', reject);
        this.abortConnect = undefined;
        resolve();
      });
    });
    this.connected.catch(() => undefined);
  }

  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  /** Sends one command and resolves with rtpengine's reply; `result: error` rejects with ERR_MEDIA_RELAY_ERROR. */
  async request(command: string, params: NgParams = {}, timeoutMs = this.timeoutMs): Promise<NgReply> {
    if (this.closed) throw new MediaError(MediaErrorCode.InvalidState, 'ng client is closed', { command });
    if (this.pending.size >= this.maxPending) {
      throw new MediaError(MediaErrorCode.RelayDown, `too many ng requests in flight (${this.pending.size})`, { command });
    }
    try {
      await this.connected;
    } catch (cause) {
      if (this.closed) throw new MediaError(MediaErrorCode.InvalidState, 'ng client is closed', { command });
      throw new MediaError(MediaErrorCode.RelayDown, `cannot reach rtpengine at ${this.address}`, { cause, command });
    }
    if (this.closed) throw new MediaError(MediaErrorCode.InvalidState, 'ng client is closed', { command });
    const cookie = `${this.prefix}_${++this.seq}`;
    const body = encode({ ...params, command });
    const packet = Buffer.concat([Buffer.from(`${cookie} `), body]);
    const reply = await new Promise<NgReply>((resolve, reject) => {
      const send = (): void => {
        if (!this.closed) this.socket.send(packet, (err) => { if (err) this.fail(cookie, err); });
      };
      // The verdict waits for the poll phase after the timer: when our own event loop was stalled
      // (a long synchronous task), a reply already sitting in the socket still counts.
      const timer = setTimeout(() => setImmediate(() => {
        if (!this.pending.has(cookie)) return;
        this.settle(cookie);
        reject(new MediaError(MediaErrorCode.Timeout, `rtpengine at ${this.address} did not answer '${command}' within ${timeoutMs} ms`, { command }));
      }), timeoutMs);
      const retransmit = setInterval(send, this.retransmitMs);
      this.pending.set(cookie, { command, resolve, reject, timer, retransmit });
      send();
    });
    if (reply.result === 'error') {
      const reason = typeof reply['error-reason'] === 'string' ? reply['error-reason'] : 'unknown error';
      throw new MediaError(MediaErrorCode.RelayError, `rtpengine refused '${command}': ${reason}`, { command });
    }
    if (reply.warning) this.logger.warn({ command, warning: reply.warning }, 'rtpengine warning');
    return reply;
  }

  /** Rejects every request in flight and releases the socket. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.abortConnect?.(new Error('closed'));
    for (const [cookie, p] of [...this.pending]) {
      this.settle(cookie);
      p.reject(new MediaError(MediaErrorCode.InvalidState, 'ng client closed', { command: p.command }));
    }
    this.socket.close();
  }

  private onMessage(msg: Buffer): void {
    const space = msg.indexOf(0x20);
    if (space <= 0) return;
    const cookie = msg.toString('latin1', 0, space);
    const p = this.pending.get(cookie);
    if (!p) return; // a late duplicate of a retransmitted request
    this.settle(cookie);
    let reply: DecodedValue;
    try {
      reply = decode(msg.subarray(space + 1));
    } catch (cause) {
      p.reject(new MediaError(MediaErrorCode.RelayError, `unparsable reply to '${p.command}'`, { cause, command: p.command }));
      return;
    }
    if (reply === null || typeof reply !== 'object' || Array.isArray(reply) || typeof reply.result !== 'string') {
      p.reject(new MediaError(MediaErrorCode.RelayError, `reply to '${p.command}' has no result`, { command: p.command }));
      return;
    }
    p.resolve(reply as NgReply);
  }

  private onSocketError(err: NodeJS.ErrnoException): void {
    this.logger.warn({ err: err.message, code: err.code, relay: this.address }, 'ng socket error');
    // A refused port means nothing listens there now: fail everything in flight at once.
    for (const cookie of [...this.pending.keys()]) this.fail(cookie, err);
  }

  private fail(cookie: string, cause: NodeJS.ErrnoException): void {
    const p = this.pending.get(cookie);
    if (!p) return;
    this.settle(cookie);
    p.reject(new MediaError(MediaErrorCode.RelayDown, `rtpengine at ${this.address} is unreachable (${cause.code ?? cause.message})`, { cause, command: p.command }));
  }

  private settle(cookie: string): void {
    const p = this.pending.get(cookie);
    if (!p) return;
    clearTimeout(p.timer);
    clearInterval(p.retransmit);
    this.pending.delete(cookie);
  }
}
