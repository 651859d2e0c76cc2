import type Srf from 'drachtio-srf';
import { MemoryBindingStore } from '../store/bindings/memory-binding-store';
import type { OperatorAuth } from './operator-auth';
import { Registrar } from './registrar';

type Handler = (req: Srf.SrfRequest, res: Srf.SrfResponse) => void;

/** A registrar over a fake srf: REGISTERs are handed to its handler directly, answers recorded. */
function setup() {
  let handler: Handler | undefined;
  const srf = { use: (_m: string, h: Handler) => { handler = h; } } as unknown as Srf;
  const auth = { check: (req: Srf.SrfRequest) => /sip:([^@]+)@/.exec(req.get('To'))![1] } as unknown as OperatorAuth;
  const bindings = new MemoryBindingStore();
  const registrar = new Registrar({ srf, bindings, auth, now: () => 1_000_000 });
  let cseq = 0;
  const register = (o: { user?: string; contact: string; callId?: string; port?: number; protocol?: string }) => new Promise<number>((resolve) => {
    const headers: Record<string, string> = {
      To: `<sip:${o.user ?? 'op1'}@switchboard.test>`, 'Call-ID': o.callId ?? 'reg-1', CSeq: `${++cseq} REGISTER`, Contact: o.contact, Expires: '600',
      Via: `SIP/2.0/${(o.protocol ?? 'udp').toUpperCase()} 127.0.0.1:${o.port ?? 5070};branch=z9hG4bK${cseq}`,
    };
    const req = {
      method: 'REGISTER', protocol: o.protocol ?? 'udp', source_address: '127.0.0.1', source_port: o.port ?? 5070,
      get: (n: string) => headers[n], has: (n: string) => n in headers,
    } as unknown as Srf.SrfRequest;
    const res = { finalResponseSent: false, send: (status: number) => resolve(status) } as unknown as Srf.SrfResponse;
    handler!(req, res);
  });
  return { registrar, register };
}

describe('registrar bindings: one per device contact, never per source port', () => {
  it('two lines of one phone from one UDP port are two devices, each of its kind', async () => {
    const { registrar, register } = setup();
    expect(await register({ contact: '<sip:op1-0x1@127.0.0.1:5070>', callId: 'line-1' })).toBe(200);
    expect(await register({ contact: '<sip:op1-0x2@127.0.0.1:5070>', callId: 'line-2' })).toBe(200);
    const live = await registrar.lookup('op1');
    expect(live.map((b) => b.contact).sort()).toEqual(['sip:op1-0x1@127.0.0.1:5070', 'sip:op1-0x2@127.0.0.1:5070']);
    expect(live.map((b) => b.device)).toEqual(['phone', 'phone']);
  });

  it('a browser and a desk phone of one operator are both kept, each with its kind', async () => {
    const { registrar, register } = setup();
    await register({ contact: '<sip:k3j2@df7jal23ls0d.invalid;transport=ws>', callId: 'browser', protocol: 'tcp', port: 40000 });
    await register({ contact: '<sip:op1@127.0.0.1:5070>', callId: 'phone' });
    const kinds = Object.fromEntries((await registrar.lookup('op1')).map((b) => [b.contact, b.device]));
    expect(kinds).toEqual({ 'sip:k3j2@df7jal23ls0d.invalid;transport=ws': 'browser', 'sip:op1@127.0.0.1:5070': 'phone' });
  });

  it('the same +sip.instance and reg-id with a new Contact replaces the old binding (RFC 5626 §6); another reg-id is another line', async () => {
    const { registrar, register } = setup();
    const inst = ';+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"';
    await register({ contact: `<sip:op1@127.0.0.1:5070>${inst};reg-id=1`, callId: 'a' });
    await register({ contact: `<sip:op1@127.0.0.1:5072>${inst};reg-id=2`, callId: 'b', port: 5072 });
    await register({ contact: `<sip:op1@127.0.0.1:6000>${inst};reg-id=1`, callId: 'c', port: 6000 }); // it restarted on another port
    const live = await registrar.lookup('op1');
    expect(live.map((b) => [b.contact, b.sipInstance]).sort()).toEqual([
      ['sip:op1@127.0.0.1:5072', '<urn:uuid:00000000-0000-1000-8000-000a95a0e128>;reg-id=2'],
      ['sip:op1@127.0.0.1:6000', '<urn:uuid:00000000-0000-1000-8000-000a95a0e128>;reg-id=1'],
    ]);
  });
});
