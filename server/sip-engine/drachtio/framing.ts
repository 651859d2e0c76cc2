/** drachtio wire framing: `<byte length>#<payload>`, frames back to back on one TCP stream. */

export function encodeFrame(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}#`, 'latin1'), body]);
}

export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);

  /** Returns the whole payloads now available; throws on a malformed length prefix. */
  push(chunk: Buffer): string[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: string[] = [];
    for (;;) {
      const hash = this.buf.indexOf(0x23);
      if (hash === -1) {
        if (this.buf.length > 12) throw new Error('invalid frame: no length prefix');
        return out;
      }
      const lenText = this.buf.toString('latin1', 0, hash);
      if (!/^\d{1,10}$/.test(lenText) || Number(lenText) === 0) throw new Error(`invalid frame length: ${lenText.slice(0, 12)}`);
      const len = Number(lenText);
      if (this.buf.length < hash + 1 + len) return out;
      out.push(this.buf.toString('utf8', hash + 1, hash + 1 + len));
      this.buf = this.buf.subarray(hash + 1 + len);
    }
  }
}
