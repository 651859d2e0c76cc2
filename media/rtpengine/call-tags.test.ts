import { CallTags, placeholderSdp } from './call-tags';
import { summarizeSdp } from '../sdp/sdp-summary';

describe('CallTags', () => {
  it('parks, connects a leg as an alias, resolves both ways and forgets', () => {
    const tags = new CallTags();
    expect(tags.park('c', 'caller', 'v=0', 'PCMA')).toBe('caller~parked');
    expect(tags.parkedCall('c')).toEqual({ callerTag: 'caller', tag: 'caller~parked', callerSdp: 'v=0', codec: 'PCMA' });
    tags.connect('c', 'operator');
    expect(tags.parkedCall('c')).toBeUndefined();
    expect(tags.resolve('c', 'operator')).toBe('caller~parked');
    expect(tags.resolve('c', 'caller')).toBe('caller');
    expect(tags.resolve('c', undefined)).toBeUndefined();
    expect(tags.external('c', 'caller~parked')).toBe('operator');
    expect(tags.external('c', 'caller')).toBe('caller');
    tags.forget('c');
    expect(tags.resolve('c', 'operator')).toBe('operator');
  });

  it('writes a valid placeholder SDP', () => {
    expect(summarizeSdp(placeholderSdp('PCMA')).media[0]).toMatchObject({
      port: 9, proto: 'RTP/AVP', codecs: [{ name: 'PCMA' }, { name: 'telephone-event' }],
    });
  });
});
