import { StreamFramer } from './stream-framer';

const msg = (body: string) =>
  `MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('StreamFramer', () => {
  it('cuts messages split across chunks and joined in one chunk', () => {
    const f = new StreamFramer();
    const all = Buffer.from(msg('hello') + msg('wörld') + msg(''));
    const frames = [...f.push(all.subarray(0, 10)), ...f.push(all.subarray(10, 70)), ...f.push(all.subarray(70))];
    expect(frames.map((fr) => (fr.type === 'message' ? fr.bytes.toString() : fr.type))).toEqual([msg('hello'), msg('wörld'), msg('')]);
  });

  it('reports CRLF CRLF keep-alive pings and skips stray CRLFs', () => {
    const f = new StreamFramer();
    expect(f.push(Buffer.from('\r\n\r\n'))).toEqual([{ type: 'ping' }]);
    expect(f.push(Buffer.from('\r\n'))).toEqual([]);
    expect(f.push(Buffer.from(msg('x'))).map((x) => x.type)).toEqual(['message']);
  });

  it('fails on an oversized message and then ignores the rest of the stream', () => {
    const f = new StreamFramer(1000);
    const frames = f.push(Buffer.from(msg('x'.repeat(2000))));
    expect(frames).toHaveLength(1);
    expect(frames[0]!.type).toBe('error');
    expect(f.push(Buffer.from(msg('ok')))).toEqual([]);
  });

  it('fails when headers never end within the limit', () => {
    const f = new StreamFramer(100);
    expect(f.push(Buffer.from('INVITE sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(30))).map((x) => x.type)).toEqual(['error']);
  });
});
