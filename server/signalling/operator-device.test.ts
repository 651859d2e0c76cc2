import type { Binding } from '../store/bindings/binding-store';
import { deviceOfRegistration, deviceOfSdp, operatorDevice, refusingAnswer } from './operator-device';

const PHONE_SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n';
const BROWSER_SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:abcd\r\na=fingerprint:sha-256 AA:BB\r\n';
const binding = (device?: 'browser' | 'phone'): Binding => ({
  aor: 'op1', contact: 'sip:op1@127.0.0.1:5070', expiresAt: 1, callId: 'c', cseq: 1, flow: { protocol: 'udp', address: '127.0.0.1', port: 5070 },
  ...(device ? { device } : {}),
});

describe('operator devices by what they send', () => {
  it.each([
    ['a WebSocket flow', 'ws', 'sip:x@10.0.0.1', 'browser'],
    ['a secure WebSocket flow', 'WSS', 'sip:x@10.0.0.1', 'browser'],
    ['a .invalid contact (RFC 7118)', 'tcp', 'sip:abc@k3j2h.invalid;transport=ws', 'browser'],
    ['UDP with an address', 'udp', 'sip:op1-0x55@127.0.0.1:5070', 'phone'],
    ['TCP with an address', 'tcp', 'sip:op1@[::1]:5070;transport=tcp', 'phone'],
  ])('registration over %s is a %s', (_n, protocol, contact, expected) => {
    expect(deviceOfRegistration(protocol, contact)).toBe(expected);
  });

  it.each([
    ['plain RTP/AVP', PHONE_SDP, 'phone'],
    ['SDES RTP/SAVP', PHONE_SDP.replace('RTP/AVP', 'RTP/SAVP'), 'phone'],
    ['WebRTC UDP/TLS/RTP/SAVPF', BROWSER_SDP, 'browser'],
    ['no audio line', 'v=0\r\nm=video 4000 RTP/AVP 96\r\n', undefined],
  ])('SDP with %s', (_n, sdp, expected) => {
    expect(deviceOfSdp(sdp)).toBe(expected);
  });

  it('the SDP decides over the registration; without either, a browser', () => {
    expect(operatorDevice(binding('browser'), PHONE_SDP)).toBe('phone');
    expect(operatorDevice(binding('phone'), BROWSER_SDP)).toBe('browser');
    expect(operatorDevice(binding('phone'), undefined)).toBe('phone');
    expect(operatorDevice(binding(), 'v=0\r\n')).toBe('browser');
  });

  it('the answer refusing an offer keeps every m-line with port 0', () => {
    const sdp = refusingAnswer(`${PHONE_SDP}m=video 5000 RTP/AVP 96\r\n`);
    expect(sdp.match(/^m=.*$/gm)).toEqual(['m=audio 0 RTP/AVP 0', 'm=video 0 RTP/AVP 96']);
    expect(sdp.startsWith('v=0\r\n')).toBe(true);
  });
});
