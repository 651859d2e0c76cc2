import type Srf from 'drachtio-srf';
import { OutboundTrunkConfigSchema } from '../../config';
import { SrfTrunkDialer } from './trunk-dialer';

/** drachtio-srf's createUAC as far as the dialer uses it: each call waits (never answered here). */
function fakeSrf() {
  const calls: Array<{ uri: string; opts: Record<string, unknown> }> = [];
  const srf = { createUAC: (uri: string, opts: Record<string, unknown>) => { calls.push({ uri, opts }); return new Promise(() => undefined); } };
  return { srf: srf as unknown as Srf, calls };
}

const quiet = { info: () => undefined, warn: () => undefined };
const trunk = OutboundTrunkConfigSchema.parse({
  id: 'carrier', address: '192.0.2.10:5060', digest: { username: 'acme', password: 'pw' }, e164: { countryCode: '49' },
  dialPrefix: '0', maxConcurrentCalls: 1, callerId: '+49301110',
});
const aborts: AbortController[] = [];
/** A dial request; its dial is cancelled after the test (so no ring timer outlives it). */
function request(number: string) {
  const abort = new AbortController();
  aborts.push(abort);
  return { number, callerNumber: '4930888', headers: {}, signal: abort.signal };
}

describe('SrfTrunkDialer', () => {
  afterEach(() => {
    for (const a of aborts.splice(0)) a.abort();
  });

  it('sends the normalised number with the dial prefix to the trunk, with its credentials and caller ID', () => {
    const { srf, calls } = fakeSrf();
    void new SrfTrunkDialer(srf, [trunk], quiet).dial(request('030 1234')).catch(() => undefined);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.uri).toBe('sip:0+49301234@192.0.2.10:5060;transport=udp');
    expect(calls[0]!.opts).toMatchObject({ noAck: true, proxy: 'sip:192.0.2.10:5060;transport=udp', auth: { username: 'acme', password: 'pw' }, callingNumber: '+49301110' });
  });

  it('refuses a call beyond maxConcurrentCalls with 503 and reports the tripped limit', async () => {
    const { srf } = fakeSrf();
    const trips: string[] = [];
    const dialer = new SrfTrunkDialer(srf, [trunk], quiet, (limit) => trips.push(limit));
    void dialer.dial(request('0301234')).catch(() => undefined);
    await expect(dialer.dial(request('0305678'))).rejects.toMatchObject({ reason: 'unreachable', status: 503 });
    expect(trips).toEqual(['outbound-trunk-concurrent-calls']);
    expect(dialer.activeCalls('carrier')).toBe(1);
  });

  it('refuses what is not a number (484) and works without a trunk only to say so (503)', async () => {
    const { srf, calls } = fakeSrf();
    await expect(new SrfTrunkDialer(srf, [trunk], quiet).dial(request('12ab'))).rejects.toMatchObject({ status: 484 });
    await expect(new SrfTrunkDialer(srf, [], quiet).dial(request('0301234'))).rejects.toMatchObject({ status: 503 });
    expect(calls).toHaveLength(0);
  });
});
