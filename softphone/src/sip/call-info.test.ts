import { parseCallInfo } from './call-info';

const FALLBACK = { sipCallId: 'abc@host', fromUser: '+15550001' };
const headers = (h: Record<string, string>) => (name: string) => {
  const key = Object.keys(h).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : h[key];
};

describe('parseCallInfo', () => {
  it.each([
    ['all headers', { 'X-Switchboard-Call-Id': 'call-7', 'X-Switchboard-Queue': 'billing', 'X-Switchboard-Caller': '+441632960001', 'X-Switchboard-Wait': '42' },
      { callId: 'call-7', queue: 'billing', caller: '+441632960001', waitSeconds: 42 }],
    ['header names in any case, values trimmed, wait rounded', { 'x-switchboard-call-id': ' call-8 ', 'x-switchboard-wait': '3.6' },
      { callId: 'call-8', queue: '', caller: '+15550001', waitSeconds: 4 }],
    ['no headers: SIP Call-ID and From user', {}, { callId: 'abc@host', queue: '', caller: '+15550001', waitSeconds: 0 }],
    ['nonsense wait', { 'X-Switchboard-Wait': 'soon' }, { callId: 'abc@host', queue: '', caller: '+15550001', waitSeconds: 0 }],
    ['negative wait', { 'X-Switchboard-Wait': '-5' }, { callId: 'abc@host', queue: '', caller: '+15550001', waitSeconds: 0 }],
    ['a consultation names the consulting operator', { 'X-Switchboard-Consult-From': 'alice' },
      { callId: 'abc@host', queue: '', caller: '+15550001', waitSeconds: 0, consultFrom: 'alice' }],
    ['empty values fall back', { 'X-Switchboard-Caller': '  ', 'X-Switchboard-Call-Id': '' }, { callId: 'abc@host', queue: '', caller: '+15550001', waitSeconds: 0 }],
  ])('%s', (_name, h, expected) => {
    expect(parseCallInfo(headers(h), FALLBACK)).toEqual(expected);
  });
});
