import { parseMessage, SipParseError, MAX_MESSAGE_SIZE } from './parser';
import { SipRequest, SipResponse, makeResponse } from './message';

const invite = (extra = '', body = 'v=0\r\n') =>
  'INVITE sip:100@127.0.0.1:5060 SIP/2.0\r\n' +
  'v: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1;rport\r\n' +
  'Via: SIP/2.0/TCP 10.0.0.1;branch=z9hG4bK-0, SIP/2.0/UDP 10.0.0.2:5062;branch=z9hG4bK-00\r\n' +
  'f: "Alice, \\"the\\" caller" <sip:alice@127.0.0.1>;tag=a1\r\n' +
  't: sip:100@127.0.0.1\r\n' +
  'i: call-1@127.0.0.1\r\n' +
  'CSeq: 1 INVITE\r\n' +
  'Max-Forwards: 70\r\n' +
  'm: <sip:alice@127.0.0.1:5070;transport=udp>;expires=60, <sip:alice@10.0.0.3>\r\n' +
  'Subject: a folded\r\n  header value\r\n' +
  extra +
  `l: ${Buffer.byteLength(body)}\r\n\r\n` +
  body;

describe('parseMessage', () => {
  it('parses a request with compact forms, multi-valued and folded headers', () => {
    const msg = parseMessage(Buffer.from(invite())) as SipRequest;
    expect(msg.kind).toBe('request');
    expect(msg.method).toBe('INVITE');
    expect(msg.uri).toBe('sip:100@127.0.0.1:5060');
    expect(msg.callId).toBe('call-1@127.0.0.1');
    expect(msg.cseq).toEqual({ seq: 1, method: 'INVITE' });
    expect(msg.getAll('via')).toHaveLength(3);
    expect(msg.topVia()).toMatchObject({ transport: 'UDP', host: '127.0.0.1', port: 5070 });
    expect(msg.topVia().params.get('branch')).toBe('z9hG4bK-1');
    expect(msg.topVia().params.has('rport')).toBe(true);
    expect(msg.getAll('contact')).toEqual(['<sip:alice@127.0.0.1:5070;transport=udp>;expires=60', '<sip:alice@10.0.0.3>']);
    expect(msg.get('subject')).toBe('a folded header value');
    expect(msg.body.toString()).toBe('v=0\r\n');
  });

  it('counts the body in bytes, not characters', () => {
    const body = 'héllo ☎\r\n';
    const msg = parseMessage(Buffer.from(invite('', body)));
    expect(msg.body.toString('utf8')).toBe(body);
  });

  it('parses a response', () => {
    const text = 'SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\nFrom: <sip:a@b>;tag=1\r\n' +
      'To: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n';
    const msg = parseMessage(Buffer.from(text)) as SipResponse;
    expect(msg.kind).toBe('response');
    expect(msg.status).toBe(180);
    expect(msg.reason).toBe('Ringing');
  });

  it('serialises back to a message that parses the same', () => {
    const msg = parseMessage(Buffer.from(invite()));
    const again = parseMessage(msg.toBuffer());
    expect(again.headers).toEqual(msg.headers.filter(([k]) => k !== 'content-length').concat([['content-length', '5']]));
    expect(msg.toString()).toContain('Call-ID: call-1@127.0.0.1\r\n');
    expect(msg.toString()).toContain('CSeq: 1 INVITE\r\n');
  });

  const bad: Array<[string, string | Buffer, 'answer' | 'drop']> = [
    ['truncated body', invite('', 'v=0\r\n').replace('l: 5', 'l: 500'), 'answer'],
    ['bad Content-Length', invite().replace('l: 5', 'l: five'), 'answer'],
    ['CSeq method mismatch', invite().replace('CSeq: 1 INVITE', 'CSeq: 1 BYE'), 'answer'],
    ['bad request URI', invite().replace('sip:100@127.0.0.1:5060 SIP', 'sip:@:99999 SIP'), 'answer'],
    ['bad From', invite().replace(/f: .*\r\n/, 'f: <sip:alice@127.0.0.1;tag=a1\r\n'), 'answer'],
    ['header line without a colon', invite('this is not a header\r\n'), 'answer'],
    ['missing Call-ID', invite().replace(/i: .*\r\n/, ''), 'drop'],
    ['bad Via', invite().replace(/v: .*\r\n/, 'v: nonsense\r\n').replace(/Via: .*\r\n/, ''), 'drop'],
    ['garbage start line', 'HELLO THERE\r\n\r\n', 'drop'],
    ['binary', Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a, 0x01]), 'drop'],
    ['no end of headers', 'INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP x', 'drop'],
    ['an ACK is never answered', invite().replace(/INVITE/g, 'ACK').replace('l: 5', 'l: 99'), 'drop'],
    ['oversized', invite('', 'x'.repeat(MAX_MESSAGE_SIZE)), 'answer'],
  ];
  it.each(bad)('rejects %s (%s)', (_name, input, expected) => {
    const buf = typeof input === 'string' ? Buffer.from(input) : input;
    let err: unknown;
    try {
      parseMessage(buf);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SipParseError);
    expect((err as SipParseError).request !== undefined).toBe(expected === 'answer');
  });

  it('builds a 400 for an answerable bad request with the right headers', () => {
    let err: SipParseError | undefined;
    try {
      parseMessage(Buffer.from(invite().replace('l: 5', 'l: 500')));
    } catch (e) {
      err = e as SipParseError;
    }
    const res = makeResponse(err!.request!, 400, 'srv1');
    const parsed = parseMessage(res.toBuffer()) as SipResponse;
    expect(parsed.status).toBe(400);
    expect(parsed.getAll('via')).toHaveLength(3);
    expect(parsed.get('to')).toBe('sip:100@127.0.0.1;tag=srv1');
    expect(parsed.callId).toBe('call-1@127.0.0.1');
  });
});
