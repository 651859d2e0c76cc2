import { parseDtmfInfo, parseReferTo } from './in-dialog';

describe('parseDtmfInfo', () => {
  it.each([
    ['application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n', { digit: '5', durationMs: 160 }],
    ['application/dtmf-relay', 'Signal= #\r\nDuration= 250', { digit: '#', durationMs: 250 }],
    ['Application/DTMF-Relay; charset=x', 'signal=10', { digit: '*', durationMs: 100 }],
    ['application/dtmf-relay', 'Signal=11\r\nDuration=1', { digit: '#', durationMs: 100 }],
    ['application/dtmf-relay', 'Signal=a\r\nDuration=99999', { digit: 'A', durationMs: 5000 }],
    ['application/dtmf', '7', { digit: '7', durationMs: 100 }],
    ['application/dtmf-relay', 'Signal=55', undefined],
    ['application/dtmf-relay', 'Duration=100', undefined],
    ['application/media_control+xml', '<media_control/>', undefined],
    ['application/dtmf', 'x'.repeat(2000), undefined],
  ])('%s %j → %j', (type, body, expected) => {
    expect(parseDtmfInfo(type, body)).toEqual(expected);
  });
});

describe('parseReferTo', () => {
  it.each([
    ['<sip:bob@switchboard.local>', { target: 'bob' }],
    ['sip:queue-sales@10.0.0.1;transport=ws', { target: 'queue-sales' }],
    ['"Bob" <sips:%2B4930123@example.com>', { target: '+4930123' }],
    [
      '<sip:bob@h?Replaces=abc%40host%3Bto-tag%3Dt1%3Bfrom-tag%3Df1>',
      { target: 'bob', replaces: { callId: 'abc@host', toTag: 't1', fromTag: 'f1' } },
    ],
    ['<sip:127.0.0.1:5060;transport=ws?Replaces=k1%3Bto-tag%3Dt%3Bfrom-tag%3Df>', { target: '', replaces: { callId: 'k1', toTag: 't', fromTag: 'f' } }],
    ['<sip:switchboard.local>', undefined],
    ['<tel:+4930123>', undefined],
    ['', undefined],
  ])('%s → %j', (referTo, expected) => {
    expect(parseReferTo(referTo)).toEqual(expected);
  });
});
