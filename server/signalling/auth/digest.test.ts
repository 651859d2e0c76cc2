import { DigestAuthenticator, parseDigest } from './digest';
import { hash, StaticCredentials, type DigestAlgorithm } from './credentials';
import { FailureLimiter } from './failure-limiter';

const REALM = 'switchboard.test';

/** What a SIP client computes from a challenge (RFC 7616 §3.4.1 with qop=auth). */
function answer(challenge: string, opts: { user: string; password: string; method?: string; uri?: string; nc?: number; cnonce?: string; qop?: boolean }) {
  const c = parseDigest(challenge)!;
  const alg = (c.algorithm ?? 'MD5') as DigestAlgorithm;
  const method = opts.method ?? 'REGISTER';
  const uri = opts.uri ?? `sip:${REALM}`;
  const ha1 = hash(alg, `${opts.user}:${c.realm}:${opts.password}`);
  const ha2 = hash(alg, `${method}:${uri}`);
  const nc = (opts.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = opts.cnonce ?? 'abc123';
  if (opts.qop === false) {
    return `Digest username="${opts.user}", realm="${c.realm}", nonce="${c.nonce}", uri="${uri}", algorithm=${alg}, response="${hash(alg, `${ha1}:${c.nonce}:${ha2}`)}"`;
  }
  const response = hash(alg, `${ha1}:${c.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${opts.user}", realm="${c.realm}", nonce="${c.nonce}", uri="${uri}", algorithm=${alg}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"`;
}

function setup() {
  let now = 1_000_000;
  const creds = new StaticCredentials(REALM).addPassword('op1', 's3cret');
  const auth = new DigestAuthenticator(creds, { realm: REALM, nonceTtlMs: 60_000, now: () => now });
  return { auth, advance: (ms: number) => { now += ms; } };
}

describe('DigestAuthenticator', () => {
  it('offers SHA-256 first, then MD5', () => {
    const { auth } = setup();
    const ch = auth.challenge();
    expect(ch.map((c) => parseDigest(c)!.algorithm)).toEqual(['SHA-256', 'MD5']);
    expect(parseDigest(ch[0]!)!.qop).toBe('auth');
  });

  it.each([0, 1])('accepts the right password with challenge %i (SHA-256, then MD5)', (i) => {
    const { auth } = setup();
    const out = auth.verify('REGISTER', answer(auth.challenge()[i]!, { user: 'op1', password: 's3cret' }));
    expect(out).toEqual({ result: 'ok', username: 'op1' });
  });

  it('accepts RFC 2069 style answers without qop once', () => {
    const { auth } = setup();
    const a = answer(auth.challenge()[1]!, { user: 'op1', password: 's3cret', qop: false });
    expect(auth.verify('REGISTER', a).result).toBe('ok');
    expect(auth.verify('REGISTER', a)).toMatchObject({ result: 'failed', reason: 'replayed nonce' });
  });

  it.each([
    ['wrong password', { user: 'op1', password: 'nope' }, 'wrong password'],
    ['unknown user', { user: 'mallory', password: 's3cret' }, 'unknown user'],
  ])('fails on %s', (_n, who, reason) => {
    const { auth } = setup();
    expect(auth.verify('REGISTER', answer(auth.challenge()[0]!, who))).toMatchObject({ result: 'failed', reason });
  });

  it('fails when the method differs from the one the response was computed for', () => {
    const { auth } = setup();
    const a = answer(auth.challenge()[0]!, { user: 'op1', password: 's3cret', method: 'REGISTER' });
    expect(auth.verify('INVITE', a)).toMatchObject({ result: 'failed', reason: 'wrong password' });
  });

  it('rejects a replayed nonce-count and accepts a growing one', () => {
    const { auth } = setup();
    const ch = auth.challenge()[0]!;
    expect(auth.verify('REGISTER', answer(ch, { user: 'op1', password: 's3cret', nc: 1 })).result).toBe('ok');
    expect(auth.verify('REGISTER', answer(ch, { user: 'op1', password: 's3cret', nc: 1 }))).toMatchObject({ reason: 'replayed nonce' });
    expect(auth.verify('REGISTER', answer(ch, { user: 'op1', password: 's3cret', nc: 2 })).result).toBe('ok');
  });

  it('answers a correct response on an expired nonce with a stale challenge, not a failure', () => {
    const { auth, advance } = setup();
    const a = answer(auth.challenge()[0]!, { user: 'op1', password: 's3cret' });
    advance(61_000);
    const out = auth.verify('REGISTER', a);
    expect(out.result).toBe('challenge');
    expect((out as { challenges: string[] }).challenges[0]).toContain('stale=true');
  });

  it('rejects a nonce it did not issue (forged or from another server)', () => {
    const { auth } = setup();
    const other = setup().auth; // different signing key
    const a = answer(other.challenge()[0]!, { user: 'op1', password: 's3cret' });
    expect(auth.verify('REGISTER', a)).toMatchObject({ result: 'failed', reason: 'nonce not issued by this server' });
  });

  it.each(['Basic abc', 'Digest', 'Digest username="op1"'])('fails on a malformed header %s', (h) => {
    const { auth } = setup();
    expect(auth.verify('REGISTER', h).result).toBe('failed');
  });

  it('challenges a request without credentials', () => {
    const { auth } = setup();
    expect(auth.verify('REGISTER', undefined).result).toBe('challenge');
  });
});

describe('digest policy', () => {
  function policySetup(defaultPolicy: DigestAlgorithm[]) {
    const now = 1_000_000;
    const creds = new StaticCredentials(REALM)
      .addPassword('plain', 's3cret')
      .addPassword('strict', 's3cret', ['SHA-256'])
      .addPassword('modern', 's3cret', ['SHA-256', 'MD5'])
      .addHa1('oldphone', { MD5: hash('MD5', `oldphone:${REALM}:s3cret`) });
    return new DigestAuthenticator(creds, { realm: REALM, algorithms: defaultPolicy, now: () => now });
  }
  const algs = (ch: string[]) => ch.map((c) => parseDigest(c)!.algorithm);

  it.each([
    ['a user without a policy gets the default', 'plain', ['MD5'], ['MD5']],
    ['a user with its own policy gets it, in its order', 'modern', ['MD5'], ['SHA-256', 'MD5']],
    ['only algorithms the user has an HA1 for', 'oldphone', ['SHA-256', 'MD5'], ['MD5']],
    ['an unknown user gets the default (its existence is not told)', 'nobody', ['MD5', 'SHA-256'], ['MD5', 'SHA-256']],
    ['no claimed user: the default', undefined, ['MD5'], ['MD5']],
  ])('%s', (_n, username, dflt, expected) => {
    const auth = policySetup(dflt as DigestAlgorithm[]);
    expect(algs(auth.challenge(false, { username }))).toEqual(expected);
    expect(algs((auth.verify('REGISTER', undefined, { username }) as { challenges: string[] }).challenges)).toEqual(expected);
  });

  it('the MD5-only fallback narrows a policy with MD5 to MD5 alone, never adds MD5', () => {
    const auth = policySetup(['MD5']);
    expect(algs(auth.challenge(false, { username: 'modern', md5Only: true }))).toEqual(['MD5']);
    expect(algs(auth.challenge(false, { username: 'strict', md5Only: true }))).toEqual(['SHA-256']);
  });

  it('an operator configured with an MD5 HA1 only registers with MD5', () => {
    const auth = policySetup(['MD5']);
    const ch = auth.challenge(false, { username: 'oldphone' })[0]!;
    expect(auth.verify('REGISTER', answer(ch, { user: 'oldphone', password: 's3cret' }), { username: 'oldphone' })).toEqual({ result: 'ok', username: 'oldphone' });
  });

  it('refuses an algorithm outside the user\'s policy (no downgrade to MD5)', () => {
    const auth = policySetup(['MD5']);
    const md5 = auth.challenge(false, { username: 'plain' })[0]!;
    expect(auth.verify('REGISTER', answer(md5, { user: 'strict', password: 's3cret' })))
      .toMatchObject({ result: 'failed', reason: 'algorithm MD5 not allowed for this user', username: 'strict' });
    const sha = auth.challenge(false, { username: 'strict' })[0]!;
    expect(auth.verify('REGISTER', answer(sha, { user: 'strict', password: 's3cret' })).result).toBe('ok');
  });

  it('keeps nonce expiry and replay protection with the policy', () => {
    let now = 0;
    const creds = new StaticCredentials(REALM).addHa1('oldphone', { MD5: hash('MD5', `oldphone:${REALM}:s3cret`) });
    const auth = new DigestAuthenticator(creds, { realm: REALM, algorithms: ['MD5'], nonceTtlMs: 1000, now: () => now });
    const a = answer(auth.challenge(false, { username: 'oldphone' })[0]!, { user: 'oldphone', password: 's3cret' });
    expect(auth.verify('REGISTER', a).result).toBe('ok');
    expect(auth.verify('REGISTER', a)).toMatchObject({ result: 'failed', reason: 'replayed nonce' });
    const b = answer(auth.challenge(false, { username: 'oldphone' })[0]!, { user: 'oldphone', password: 's3cret' });
    now += 2000;
    const stale = auth.verify('REGISTER', b, { username: 'oldphone' });
    expect(stale.result).toBe('challenge');
    expect((stale as { challenges: string[] }).challenges[0]).toMatch(/algorithm=MD5, qop="auth", stale=true$/);
  });
});

describe('FailureLimiter', () => {
  it('blocks an address after too many failures in the window, for the cool-down only', () => {
    const l = new FailureLimiter({ maxFailures: 3, windowMs: 1000, coolDownMs: 5000 });
    l.recordFailure('10.0.0.1', 0);
    l.recordFailure('10.0.0.1', 100);
    expect(l.isBlocked('10.0.0.1', 200)).toBe(false);
    l.recordFailure('10.0.0.1', 200);
    expect(l.isBlocked('10.0.0.1', 201)).toBe(true);
    expect(l.isBlocked('10.0.0.2', 201)).toBe(false);
    expect(l.isBlocked('10.0.0.1', 5201)).toBe(false);
  });

  it('forgets failures outside the window', () => {
    const l = new FailureLimiter({ maxFailures: 2, windowMs: 1000 });
    l.recordFailure('a', 0);
    l.recordFailure('a', 1500);
    expect(l.isBlocked('a', 1501)).toBe(false);
  });

  it('bounds how many addresses it tracks', () => {
    const l = new FailureLimiter({ maxFailures: 2, maxTracked: 2 });
    l.recordFailure('a', 0);
    l.recordFailure('b', 0);
    l.recordFailure('c', 0);
    l.recordFailure('a', 1); // 'a' was forgotten, so this is its first failure again
    expect(l.isBlocked('a', 2)).toBe(false);
  });

  it('wants the digest uri to name the Request-URI when one is given', () => {
    const { auth } = setup();
    const ch = auth.challenge()[0]!;
    const forOther = answer(ch, { user: 'op1', password: 's3cret', method: 'INVITE', uri: 'sip:999@switchboard.test' });
    expect(auth.verify('INVITE', forOther, { requestUri: 'sip:100@switchboard.test' }))
      .toMatchObject({ result: 'failed', reason: 'digest uri does not match the Request-URI', username: 'op1' });
    const right = answer(auth.challenge()[0]!, { user: 'op1', password: 's3cret', method: 'INVITE', uri: 'sip:100@switchboard.test' });
    expect(auth.verify('INVITE', right, { requestUri: 'SIP:100@switchboard.test' }).result).toBe('ok');
  });
});
