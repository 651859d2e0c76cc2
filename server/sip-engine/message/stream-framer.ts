import { findHeaderEnd, MAX_MESSAGE_SIZE } from './parser';

export type Frame =
  | { type: 'message'; bytes: Buffer }
  /** A CRLF CRLF keep-alive ping (RFC 5626 §3.5.1); answer with a single CRLF. */
  | { type: 'ping' }
  /** The framing is lost (oversized or unreadable); `bytes` holds what was read, for a 400 if possible. */
  | { type: 'error'; reason: string; bytes: Buffer };

const CONTENT_LENGTH = /(?:^|\r?\n)(?:content-length|l)[ \t]*:[ \t]*(\d+)/i;

/** Cuts a byte stream (TCP, TLS) into SIP messages using Content-Length. */
export class StreamFramer {
  private buf: Buffer = Buffer.alloc(0);
  private failed = false;

  constructor(private readonly maxSize = MAX_MESSAGE_SIZE) {}

  /** Bytes of a message begun but not yet complete. */
  get pending(): number {
    return this.buf.length;
  }

  push(chunk: Buffer): Frame[] {
    if (this.failed) return [];
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      // keep-alives and stray line ends between messages
      let skip = 0;
      while (skip < this.buf.length && (this.buf[skip] === 0x0d || this.buf[skip] === 0x0a)) {
        if (this.buf[skip] === 0x0d && this.buf[skip + 1] === 0x0a && this.buf[skip + 2] === 0x0d && this.buf[skip + 3] === 0x0a) {
          frames.push({ type: 'ping' });
          skip += 4;
        } else skip++;
      }
      if (skip > 0) this.buf = this.buf.subarray(skip);
      if (this.buf.length === 0) return frames;

      const end = findHeaderEnd(this.buf);
      if (!end) {
        if (this.buf.length > this.maxSize) return this.fail(frames, 'header section larger than the maximum message size');
        return frames;
      }
      const head = this.buf.toString('latin1', 0, end.index);
      const m = CONTENT_LENGTH.exec(head);
      const bodyLength = m ? Number(m[1]) : 0;
      const total = end.index + end.sepLength + bodyLength;
      if (total > this.maxSize) return this.fail(frames, `message of ${total} bytes exceeds ${this.maxSize}`);
      if (this.buf.length < total) return frames;
      frames.push({ type: 'message', bytes: Buffer.from(this.buf.subarray(0, total)) });
      this.buf = this.buf.subarray(total);
    }
  }

  private fail(frames: Frame[], reason: string): Frame[] {
    this.failed = true;
    frames.push({ type: 'error', reason, bytes: this.buf });
    this.buf = Buffer.alloc(0);
    return frames;
  }
}
