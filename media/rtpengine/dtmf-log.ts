import * as dgram from 'node:dgram';
import { silentLogger, type MediaLogger } from '../logger';
import { TypedEmitter } from '../typed-emitter';

/** One DTMF event rtpengine reported (`--dtmf-log-dest`), with rtpengine's tag of the sending leg. */
export interface DtmfLogEntry {
  callId: string;
  tag: string;
  digit: string;
}

const DIGITS = '0123456789*#ABCD';

/** The most bytes one report may have; larger datagrams are dropped (and counted). */
export const MAX_DTMF_LOG_BYTES = 8192;

/**
 * Reads one of rtpengine's DTMF reports: a JSON object with `callid`, `source_tag` and `event`
 * (0–15: 0-9, *, #, A-D). Undefined for anything else. (Its `duration` is left out: rtpengine
 * 10.5 reports it from the event's first packets, not the digit's length.)
 */
export function parseDtmfLog(payload: Buffer | string): DtmfLogEntry | undefined {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString());
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Record<string, unknown>;
  const event = typeof o.event === 'number' ? o.event : typeof o.event === 'string' ? Number(o.event) : NaN;
  if (typeof o.callid !== 'string' || typeof o.source_tag !== 'string' || !Number.isInteger(event) || event < 0 || event > 15) return undefined;
  return { callId: o.callid, tag: o.source_tag, digit: DIGITS[event] };
}

export interface DtmfLogEvents {
  dtmf: [entry: DtmfLogEntry];
}

/**
 * A UDP socket on 127.0.0.1 that receives rtpengine's DTMF reports: give its `address` to
 * rtpengine as `--dtmf-log-dest`. Reports from any other host are ignored.
 */
export class DtmfLog extends TypedEmitter<DtmfLogEvents> {
  /** Datagrams dropped (too large, not a report, or from elsewhere). */
  dropped = 0;
  private closed = false;

  private constructor(private readonly socket: dgram.Socket, private readonly logger: MediaLogger, private readonly from: string) {
    super();
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo.address));
    socket.on('error', (err) => this.logger.error({ err: err.message }, 'DTMF report socket failed'));
  }

  /** Binds a free UDP port on `host` (default 127.0.0.1), the address rtpengine sends from. */
  static async open(options: { host?: string; logger?: MediaLogger } = {}): Promise<DtmfLog> {
    const host = options.host ?? '127.0.0.1';
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new DtmfLog(socket, options.logger ?? silentLogger, host);
  }

  /** `host:port`, as rtpengine's `--dtmf-log-dest` wants it. */
  get address(): string {
    const a = this.socket.address();
    return `${a.address}:${a.port}`;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private onMessage(msg: Buffer, address: string): void {
    const entry = msg.length <= MAX_DTMF_LOG_BYTES && address === this.from ? parseDtmfLog(msg) : undefined;
    if (!entry) {
      this.dropped++;
      this.logger.warn({ bytes: msg.length, from: address, dropped: this.dropped }, 'DTMF report dropped');
      return;
    }
    this.emit('dtmf', entry);
  }
}
