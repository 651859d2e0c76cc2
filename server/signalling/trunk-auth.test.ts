import { TrunkAuth } from './trunk-auth';
import { hash, type DigestAlgorithm } from './auth/credentials';
import { parseDigest } from './auth/digest';

const trunks = new TrunkAuth([
  { id: 'carrier', allow: ['127.0.0.1', '10.20.0.0/16'] },
  { id: 'pbx', digest: { username: 'pbx', password: 'pbx-secret' } },
], 'switchboard.test');

function answer(challenge: string, user: string, password: string): string {
  const c = parseDigest(challenge)!;
  const alg = c.algorithm as DigestAlgorithm;
  const ha1 = hash(alg, `${user}:${c.realm}:${password}`);
  const ha2 = hash(alg, 'INVITE:sip:100@127.0.0.1');
  const r = hash(alg, `${ha1}:${c.nonce}:00000001:x:auth:${ha2}`);
  return `Digest username="${user}", realm="${c.realm}", nonce="${c.nonce}", uri="sip:100@127.0.0.1", algorithm=${alg}, qop=auth, nc=00000001, cnonce="x", response="${r}"`;
}

describe('TrunkAuth', () => {
  it.each([
    ['127.0.0.1', { result: 'ok', trunkId: 'carrier' }],
    ['10.20.3.4', { result: 'ok', trunkId: 'carrier' }],
  ])('recognises %s by its address', (addr, want) => {
    expect(trunks.check('INVITE', addr, undefined)).toEqual(want);
  });

  it('challenges an unknown address when a digest trunk exists, and accepts its credentials', () => {
    const first = trunks.check('INVITE', '10.99.0.1', undefined);
    expect(first.result).toBe('challenge');
    const ch = (first as { challenges: string[] }).challenges[0]!;
    expect(trunks.check('INVITE', '10.99.0.1', answer(ch, 'pbx', 'pbx-secret'))).toEqual({ result: 'ok', trunkId: 'pbx' });
    expect(trunks.check('INVITE', '10.99.0.1', answer(ch, 'pbx', 'wrong'))).toEqual({ result: 'forbidden' });
  });

  it('forbids a digest answer computed for another Request-URI', () => {
    const first = trunks.check('INVITE', '10.99.0.1', undefined, 'sip:200@127.0.0.1');
    const ch = (first as { challenges: string[] }).challenges[0]!;
    expect(trunks.check('INVITE', '10.99.0.1', answer(ch, 'pbx', 'pbx-secret'), 'sip:200@127.0.0.1')).toEqual({ result: 'forbidden' });
    const again = (trunks.check('INVITE', '10.99.0.1', undefined) as { challenges: string[] }).challenges[0]!;
    expect(trunks.check('INVITE', '10.99.0.1', answer(again, 'pbx', 'pbx-secret'), 'sip:100@127.0.0.1')).toEqual({ result: 'ok', trunkId: 'pbx' });
  });

  it('forbids unknown sources when no trunk uses digest', () => {
    const ipOnly = new TrunkAuth([{ id: 'carrier', allow: ['127.0.0.1'] }], 'r');
    expect(ipOnly.check('INVITE', '127.0.0.2', undefined)).toEqual({ result: 'forbidden' });
  });

  it.each([['not-an-ip'], ['10.0.0.0/33']])('rejects a bad allow entry %s naming the trunk', (entry) => {
    expect(() => new TrunkAuth([{ id: 't1', allow: [entry] }], 'r')).toThrow(/trunks\.t1\.allow/);
  });
});
