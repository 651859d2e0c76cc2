import { asDrachtioServer } from './server-compat';

describe('asDrachtioServer', () => {
  it.each([
    ['sip|network|120|ws|127.0.0.1|5000|10:00:00.000000|t|d|', 'sip|network|120|tcp|127.0.0.1|5000|10:00:00.000000|t|d|'],
    ['sip|application|9|wss|::1|5000|x|unsolicited|d|', 'sip|application|9|tls|::1|5000|x|unsolicited|d|'],
    ['response|m1|OK|application|55|ws|127.0.0.1|5000|t|x|d|', 'response|m1|OK|application|55|tcp|127.0.0.1|5000|t|x|d|'],
    ['sip|network|120|udp|127.0.0.1|5060|t|x|d|', 'sip|network|120|udp|127.0.0.1|5060|t|x|d|'],
    ['response|m2|NOK|no route ws|', 'response|m2|NOK|no route ws|'],
    // the SIP text after the leader is never touched
    ['sip|network|3|tcp|a|1|t|x|d|\r\nws|', 'sip|network|3|tcp|a|1|t|x|d|\r\nws|'],
  ])('%s', (input, expected) => {
    expect(asDrachtioServer(input)).toBe(expected);
  });
});
