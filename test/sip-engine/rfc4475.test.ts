/**
 * RFC 4475 torture messages through the engine's parser, one row per message with the expected
 * outcome: accepted (with the fields the RFC draws attention to), answered (400, or 505 for an
 * unknown SIP version) or dropped when no response can be built.
 */
import { parseMessage, SipParseError } from '../../server/sip-engine/message/parser';
import { SipRequest, SipResponse, makeResponse, type AnySipMessage } from '../../server/sip-engine/message/message';
import { parseNameAddr, tagOf } from '../../server/sip-engine/message/name-addr';
import { parseUri } from '../../server/sip-engine/message/uri';
import { parseVia } from '../../server/sip-engine/message/via';
import * as valid from './rfc4475/valid';
import * as invalid from './rfc4475/invalid';
import * as semantics from './rfc4475/semantics';

type Outcome =
  | { accept: (m: AnySipMessage) => void }
  | { answer: 400 | 505 }
  | { drop: true };

const req = (m: AnySipMessage): SipRequest => {
  expect(m.kind).toBe('request');
  return m as SipRequest;
};
const res = (m: AnySipMessage): SipResponse => {
  expect(m.kind).toBe('response');
  return m as SipResponse;
};
const vias = (m: AnySipMessage) => m.getAll('via').map(parseVia);

const table: Array<[section: string, name: string, bytes: Buffer, outcome: Outcome]> = [
  ['3.1.1.1', 'wsinv', valid.wsinv, { accept: (m) => {
    const r = req(m);
    expect(r.method).toBe('INVITE');
    expect(parseUri(r.uri).params.has('unknownparam')).toBe(true);
    expect(tagOf(r.get('to'))).toBe('1918181833n');
    const from = parseNameAddr(r.get('from')!);
    expect(from.displayName).toBe('J Rosenberg \\"');
    expect(from.params.get('tag')).toBe('98asjd8');
    expect(Number(r.get('max-forwards'))).toBe(68);
    expect(r.cseq).toEqual({ seq: 9, method: 'INVITE' });
    expect(r.get('subject')).toBe('');
    expect(r.get('newfangledheader')).toBe('newfangled value continued newfangled value');
    expect(r.get('unknownheaderwithunusualvalue')).toBe(';;,,;;,;');
    expect(vias(r).map((v) => [v.transport, v.host, v.params.get('branch')])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'], ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'], ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    const contact = parseNameAddr(r.getAll('contact')[0]!);
    expect(contact.displayName).toBe('Quoted string ""');
    expect(contact.params.get('q')).toBe('0.33');
    expect(contact.params.get('newparam')).toBe('newvalue');
    expect(r.body.length).toBe(150);
  } }],
  ['3.1.1.2', 'intmeth', valid.intmeth, { accept: (m) => {
    const r = req(m);
    expect(r.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    const uri = parseUri(r.uri);
    expect(uri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(uri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(uri.host).toBe('example.com');
    expect(parseNameAddr(r.get('to')!).displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    const from = parseNameAddr(r.get('from')!);
    expect(from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(from.params.get('tag')).toBe("_token~1'+`*%!-.");
    expect(from.params.get("fromparam''~+*_!.-%")).toBe('работающий');
    expect(r.callId).toBe("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
    expect(r.cseq.seq).toBe(139122385);
    expect(r.get("extensionheader-!.%*+_`'~")).toBe('\ufeff大停電');
  } }],
  ['3.1.1.3', 'esc01', valid.esc01, { accept: (m) => {
    const r = req(m);
    expect(parseUri(r.uri)).toMatchObject({ user: 'sips%3Auser%40example.com', host: 'example.net' });
    expect(parseUri(parseNameAddr(r.get('to')!).uri).user).toBe('%75se%72');
    const contact = parseUri(parseNameAddr(r.getAll('contact')[0]!).uri);
    expect(contact.params.get('n%61me')).toBe('v%61lue%25%34%31');
    expect(r.body.length).toBe(150);
  } }],
  ['3.1.1.4', 'escnull', valid.escnull, { accept: (m) => {
    expect(req(m).getAll('contact').map((c) => parseUri(parseNameAddr(c).uri).user)).toEqual(['%00', '%00%00']);
  } }],
  ['3.1.1.5', 'esc02', valid.esc02, { accept: (m) => {
    const r = req(m);
    expect(r.method).toBe('RE%47IST%45R');
    expect(r.getAll('contact')).toHaveLength(2);
    expect(r.get('c%6fntact')).toBe('<sip:alias2@host2.example.com>');
    expect(parseNameAddr(r.get('to')!).displayName).toBe('%Z%45');
  } }],
  ['3.1.1.6', 'lwsdisp', valid.lwsdisp, { accept: (m) => expect(parseNameAddr(req(m).get('from')!).displayName).toBe('caller') }],
  ['3.1.1.7', 'longreq', valid.longreq, { accept: (m) => {
    const r = req(m);
    expect(vias(r)).toHaveLength(34);
    expect(parseNameAddr(r.get('to')!).displayName).toMatch(/^I have a user name of (extreme){10} proportion$/);
    expect(tagOf(r.get('from'))).toHaveLength(155);
    expect(r.body.length).toBe(150);
  } }],
  ['3.1.1.8', 'dblreq', valid.dblreq, { accept: (m) => {
    const r = req(m);
    expect(r.method).toBe('REGISTER');
    expect(r.body.length).toBe(0); // the trailing INVITE is not part of this message
  } }],
  ['3.1.1.9', 'semiuri', valid.semiuri, { accept: (m) => {
    const r = req(m);
    expect(parseUri(r.uri)).toMatchObject({ user: 'user;par=u%40example.net', host: 'example.com' });
    expect(r.getAll('accept')).toHaveLength(6);
  } }],
  ['3.1.1.10', 'transports', valid.transports, { accept: (m) => {
    expect(vias(m).map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  } }],
  ['3.1.1.11', 'mpart01', valid.mpart01, { accept: (m) => {
    const r = req(m);
    expect(r.body.length).toBe(553);
    expect(r.body.includes(0)).toBe(true);
    expect(r.body.subarray(r.body.length - 22).toString()).toBe('--7a9cbec02ceef655--\r\n');
  } }],
  ['3.1.1.12', 'unreason', valid.unreason, { accept: (m) => {
    const r = res(m);
    expect(r.status).toBe(200);
    expect(r.reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
  } }],
  ['3.1.1.13', 'noreason', valid.noreason, { accept: (m) => expect(res(m)).toMatchObject({ status: 100, reason: '' }) }],

  ['3.1.2.1', 'badinv01', invalid.badinv01, { answer: 400 }],
  ['3.1.2.2', 'clerr', invalid.clerr, { answer: 400 }],
  ['3.1.2.3', 'ncl', invalid.ncl, { answer: 400 }],
  ['3.1.2.4', 'scalar02', invalid.scalar02, { answer: 400 }],
  ['3.1.2.5', 'scalarlg (a response)', invalid.scalarlg, { drop: true }],
  ['3.1.2.6', 'quotbal', invalid.quotbal, { answer: 400 }],
  ['3.1.2.7', 'ltgtruri', invalid.ltgtruri, { answer: 400 }],
  ['3.1.2.8', 'lwsruri', invalid.lwsruri, { answer: 400 }],
  ['3.1.2.9', 'lwsstart', invalid.lwsstart, { answer: 400 }],
  ['3.1.2.10', 'trws', invalid.trws, { answer: 400 }],
  ['3.1.2.11', 'escruri', invalid.escruri, { answer: 400 }],
  ['3.1.2.12', 'baddate', invalid.baddate, { answer: 400 }],
  ['3.1.2.13', 'regbadct', invalid.regbadct, { answer: 400 }],
  ['3.1.2.14', 'badaspec', invalid.badaspec, { answer: 400 }],
  ['3.1.2.15', 'baddn', invalid.baddn, { answer: 400 }],
  ['3.1.2.16', 'badvers', invalid.badvers, { answer: 505 }],
  ['3.1.2.17', 'mismatch01', invalid.mismatch01, { answer: 400 }],
  ['3.1.2.18', 'mismatch02', invalid.mismatch02, { answer: 400 }],
  ['3.1.2.19', 'bigcode (a response)', invalid.bigcode, { drop: true }],

  // no From, To or Call-ID: a response could not be matched by anyone, so it is dropped
  ['3.3.1', 'insuf', semantics.insuf, { drop: true }],
  // syntactically valid: the engine answers 416 (see the engine test below)
  ['3.3.2', 'unkscm', semantics.unkscm, { accept: (m) => expect(parseUri(req(m).uri).opaque).toBe('totallyopaquecontent') }],
  ['3.3.3', 'novelsc', semantics.novelsc, { accept: (m) => expect(parseUri(req(m).uri).scheme).toBe('soap.beep') }],
  ['3.3.4', 'unksm2', semantics.unksm2, { accept: (m) => expect(parseNameAddr(req(m).getAll('contact')[0]!).uri).toBe('name:John_Smith') }],
  // valid: the engine answers 420 with Unsupported
  ['3.3.5', 'bext01', semantics.bext01, { accept: (m) => expect(req(m).getAll('require')).toHaveLength(2) }],
  ['3.3.6', 'invut', semantics.invut, { accept: (m) => expect(req(m).body.length).toBe(40) }],
  ['3.3.7', 'regaut01', semantics.regaut01, { accept: (m) => expect(req(m).get('authorization')).toMatch(/^NoOneKnowsThisScheme/) }],
  ['3.3.8', 'multi01', semantics.multi01, { answer: 400 }],
  ['3.3.9', 'mcl01', semantics.mcl01, { answer: 400 }],
  ['3.3.10', 'bcast (a response)', semantics.bcast, { accept: (m) => expect(vias(res(m))[1]!.host).toBe('255.255.255.255') }],
  ['3.3.11', 'zeromf', semantics.zeromf, { accept: (m) => expect(req(m).get('max-forwards')).toBe('0') }],
  ['3.3.12', 'cparam01', semantics.cparam01, { accept: (m) => {
    const c = parseNameAddr(req(m).getAll('contact')[0]!);
    expect(c.uri).toBe('sip:+19725552222@gw1.example.net');
    expect(c.params.has('unknownparam')).toBe(true);
  } }],
  ['3.3.13', 'cparam02', semantics.cparam02, { accept: (m) => {
    expect(parseUri(parseNameAddr(req(m).getAll('contact')[0]!).uri).params.has('unknownparam')).toBe(true);
  } }],
  ['3.3.14', 'regescrt', semantics.regescrt, { accept: (m) => {
    expect(parseUri(parseNameAddr(req(m).getAll('contact')[0]!).uri).headers).toBe('Route=%3Csip:sip.example.com%3E');
  } }],
  ['3.3.15', 'sdp01', semantics.sdp01, { accept: (m) => expect(req(m).get('accept')).toBe('text/nobodyKnowsThis') }],
];

function attempt(bytes: Buffer): { msg?: AnySipMessage; err?: SipParseError } {
  try {
    return { msg: parseMessage(bytes) };
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return { err: e };
  }
}

describe('RFC 4475 torture messages', () => {
  it.each(table)('§%s %s', (_section, _name, bytes, outcome) => {
    const { msg, err } = attempt(bytes);
    if ('accept' in outcome) {
      expect(err?.message).toBeUndefined();
      outcome.accept(msg!);
      return;
    }
    expect(msg).toBeUndefined();
    if ('drop' in outcome) {
      expect(err!.request).toBeUndefined();
      return;
    }
    expect(err!.request).toBeDefined();
    expect(err!.status).toBe(outcome.answer);
    // the answer copies Via, From, To, Call-ID and CSeq as they came (RFC 3261 §8.2.6.2)
    const answer = makeResponse(err!.request!, err!.status, 'x').toString();
    expect(answer.startsWith(`SIP/2.0 ${outcome.answer} `)).toBe(true);
    expect(answer).toContain(`Call-ID: ${err!.request!.callId}\r\n`);
  });

  it('parses the same messages arriving by stream (Content-Length frames the body)', () => {
    for (const [, name, bytes, outcome] of table) {
      if (!('accept' in outcome) || name === 'dblreq') continue;
      const { err } = attempt(bytes);
      expect([name, err?.message]).toEqual([name, undefined]);
      expect(() => parseMessage(bytes, true)).not.toThrow();
    }
  });
});
