import { buildRtp, parseRtp } from './rtp-packet';

describe('RTP packets', () => {
  it('round-trips the fixed header and payload', () => {
    const p = { payloadType: 0, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0xdeadbeef, marker: true, payload: Buffer.from([1, 2, 3]) };
    const buf = buildRtp(p);
    expect(buf.length).toBe(15);
    expect(parseRtp(buf)).toEqual(p);
  });

  it('skips CSRCs, header extensions and padding', () => {
    const buf = Buffer.from([0xb1, 0x08, 0, 1, 0, 0, 0, 160, 0, 0, 0, 9, /* csrc */ 0, 0, 0, 1,
      /* ext */ 0xbe, 0xde, 0, 1, 1, 2, 3, 4, /* payload */ 0xaa, 0xbb, /* padding */ 0, 2]);
    expect(parseRtp(buf)).toMatchObject({ payloadType: 8, sequence: 1, timestamp: 160, ssrc: 9, payload: Buffer.from([0xaa, 0xbb]) });
  });

  it.each([
    ['a short packet', Buffer.alloc(8)],
    ['RTCP (sender report)', Buffer.from([0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0])],
    ['a STUN message', Buffer.from([0x00, 0x01, 0, 0, 0x21, 0x12, 0xa4, 0x42, 0, 0, 0, 0])],
  ])('ignores %s', (_name, buf) => {
    expect(parseRtp(buf)).toBeUndefined();
  });
});
