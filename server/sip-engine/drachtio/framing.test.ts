import { encodeFrame, FrameDecoder } from './framing';

describe('drachtio framing', () => {
  it('round-trips payloads counted in UTF-8 bytes, across any chunking', () => {
    const payloads = ['a|authenticate|secret|', 'b|sip||\r\nINVITE sip:x SIP/2.0\r\nSubject: ☎ café\r\n\r\n', 'c|ping'];
    const all = Buffer.concat(payloads.map(encodeFrame));
    for (const step of [1, 3, 7, all.length]) {
      const d = new FrameDecoder();
      const got: string[] = [];
      for (let i = 0; i < all.length; i += step) got.push(...d.push(all.subarray(i, i + step)));
      expect(got).toEqual(payloads);
    }
  });

  it.each(['abc#x', '0#', '-5#abc', 'x'.repeat(20)])('rejects a bad length prefix %s', (bad) => {
    expect(() => new FrameDecoder().push(Buffer.from(bad))).toThrow(/invalid frame/);
  });
});
