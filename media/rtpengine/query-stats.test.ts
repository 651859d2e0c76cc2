import { parseQueryReply } from './query-stats';

describe('parseQueryReply', () => {
  it('maps legs, streams and totals', () => {
    const stats = parseQueryReply('c1', {
      result: 'ok', created: 1700000000, 'last signal': 1700000005,
      totals: { RTP: { packets: 10, bytes: 1720, errors: 0 }, RTCP: { packets: 1, bytes: 80, errors: 0 } },
      tags: {
        trunk: {
          tag: 'trunk', label: 'caller', 'in dialogue with': 'op',
          medias: [{
            protocol: 'RTP/AVP', flags: ['initialized', 'transcoding'],
            streams: [
              { 'local port': 30000, endpoint: { family: 'IPv4', address: '127.0.0.1', port: 4000 }, flags: ['RTP', 'filled'], 'last packet': 1700000004, stats: { packets: 7, bytes: 1204, errors: 0 } },
              { 'local port': 30001, flags: ['RTCP'], stats: { packets: 1, bytes: 80, errors: 0 } },
            ],
          }],
        },
        op: { tag: 'op', medias: [] },
      },
    });
    expect(stats.createdAt?.getTime()).toBe(1700000000000);
    expect(stats.totals).toEqual({ rtp: { packets: 10, bytes: 1720, errors: 0 }, rtcp: { packets: 1, bytes: 80, errors: 0 } });
    expect(stats.legs[0]).toMatchObject({
      tag: 'trunk', label: 'caller', protocol: 'RTP/AVP', inDialogueWith: 'op', flags: ['initialized', 'transcoding'],
      rtp: { packets: 7, bytes: 1204, errors: 0 },
    });
    expect(stats.legs[0].streams[0]).toMatchObject({ localPort: 30000, endpoint: '127.0.0.1:4000' });
    expect(stats.legs[1]).toMatchObject({ tag: 'op', protocol: undefined, rtp: { packets: 0 } });
  });

  it('tolerates an empty reply', () => {
    expect(parseQueryReply('c2', { result: 'ok' })).toEqual({
      callId: 'c2', createdAt: undefined, lastSignalAt: undefined, legs: [],
      totals: { rtp: { packets: 0, bytes: 0, errors: 0 }, rtcp: { packets: 0, bytes: 0, errors: 0 } },
    });
  });
});
