import { CallTags, placeholderSdp } from './call-tags';
import { summarizeSdp } from '../sdp/sdp-summary';

describe('CallTags', () => {
  it('parks, connects a leg as an alias, resolves both ways, reparks and forgets', () => {
    const tags = new CallTags();
    expect(tags.park('c', 'caller', 'v=0', 'PCMA', 'placeholder')).toBe('caller~parked');
    expect(tags.parkedCall('c')).toEqual({ callerTag: 'caller', tag: 'caller~parked', callerSdp: 'v=0', codec: 'PCMA' });
    tags.connect('c', 'operator', 'browser', 'offer', 'passive');
    expect(tags.parkedCall('c')).toBeUndefined();
    expect(tags.resolve('c', 'operator')).toBe('caller~parked');
    expect(tags.resolve('c', 'caller')).toBe('caller');
    expect(tags.resolve('c', undefined)).toBeUndefined();
    expect(tags.external('c', 'caller~parked')).toBe('operator');
    expect(tags.external('c', 'caller')).toBe('caller');
    expect(tags.peer('c', 'caller')).toMatchObject({ tag: 'caller~parked', external: 'operator', kind: 'browser', sdp: 'offer', setup: 'passive' });
    expect(tags.peer('c', 'operator')).toMatchObject({ tag: 'caller', kind: 'trunk' });
    tags.repark('c', 'placeholder');
    expect(tags.parkedCall('c')).toEqual({ callerTag: 'caller', tag: 'caller~parked', callerSdp: 'v=0', codec: 'PCMA' });
    expect(tags.resolve('c', 'operator')).toBe('operator');
    tags.forget('c');
    expect(tags.resolve('c', 'operator')).toBe('operator');
    expect(tags.call('c')).toBeUndefined();
  });

  it('follows a plain offer/answer call and its re-offers', () => {
    const tags = new CallTags();
    tags.offered('c', 'a', 'trunk', 'offer-1');
    tags.answered('c', 'a', 'b', 'browser', 'answer-1');
    expect(tags.peer('c', 'a')).toMatchObject({ tag: 'b', kind: 'browser', sdp: 'answer-1' });
    tags.offered('c', 'b', 'browser', 'offer-2');
    expect(tags.side('c', 'b')?.sdp).toBe('offer-2');
    expect(tags.peer('c', 'b')).toMatchObject({ tag: 'a', sdp: 'offer-1' });
  });

  it('writes a valid placeholder SDP', () => {
    expect(summarizeSdp(placeholderSdp('PCMA')).media[0]).toMatchObject({
      port: 9, proto: 'RTP/AVP', codecs: [{ name: 'PCMA' }, { name: 'telephone-event' }],
    });
  });
});
