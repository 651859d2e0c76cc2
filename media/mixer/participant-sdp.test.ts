import { activeAudio, summarizeSdp } from '../sdp/sdp-summary';
import { participantSdp } from './participant-sdp';

describe('participantSdp', () => {
  it.each([
    ['PCMU', '127.0.0.1', 'IP4', 0],
    ['PCMA', '::1', 'IP6', 8],
  ] as const)('%s on %s: plain RTP/AVP with telephone-event, ptime 20, sendrecv', (codec, address, family, pt) => {
    const sdp = participantSdp({ address, port: 40000, codec, ptime: 20, sessionId: '42' });
    expect(sdp).toContain(`c=IN ${family} ${address}\r\n`);
    expect(sdp).toContain(`m=audio 40000 RTP/AVP ${pt} 101\r\n`);
    expect(sdp.endsWith('\r\n')).toBe(true);
    const [audio] = activeAudio(summarizeSdp(sdp));
    expect(audio).toMatchObject({ port: 40000, proto: 'RTP/AVP', address, direction: 'sendrecv' });
    expect(audio.codecs.map((c) => `${c.payloadType} ${c.name}/${c.clockRate}`)).toEqual([`${pt} ${codec}/8000`, '101 telephone-event/8000']);
    expect(audio.attributes).toEqual(expect.arrayContaining(['ptime:20', 'fmtp:101 0-15']));
  });
});
