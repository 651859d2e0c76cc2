import { SourceLimits } from './source-limits';

describe('SourceLimits', () => {
  let t = 0;
  const now = () => t;
  beforeEach(() => { t = 1000; });

  it('lets a burst through, then drops the source for its cool-down, then lets it in again at the rate', () => {
    const trips: string[] = [];
    const l = new SourceLimits({ requestsPerSecond: 10, burst: 5, blockSeconds: 2 }, now, (limit, address) => trips.push(`${limit} ${address}`));
    const admitted = Array.from({ length: 8 }, () => l.admitRequest('192.0.2.1'));
    expect(admitted).toEqual([true, true, true, true, true, false, false, false]);
    expect(trips).toEqual(['source-request-rate 192.0.2.1']); // once per block, not per dropped request
    expect(l.stats()).toMatchObject({ trips: { 'source-request-rate': 3 }, blockedSources: 1, blocks: 1 });
    // another source is not affected
    expect(l.admitRequest('192.0.2.2')).toBe(true);
    t += 1999;
    expect(l.admitRequest('192.0.2.1')).toBe(false);
    t += 1;
    expect(l.stats().blockedSources).toBe(0);
    const after = Array.from({ length: 6 }, () => l.admitRequest('192.0.2.1'));
    expect(after).toEqual([true, true, true, true, true, false]);
  });

  it('keeps a source that stays within its rate admitted', () => {
    const l = new SourceLimits({ requestsPerSecond: 10, burst: 2 }, now);
    for (let i = 0; i < 100; i++) {
      expect(l.admitRequest('192.0.2.1')).toBe(true);
      t += 100;
    }
  });

  it.each([
    ['an address', ['127.0.0.1'], '127.0.0.1', true],
    ['a range', ['10.1.0.0/16'], '10.1.200.3', true],
    ['outside the range', ['10.1.0.0/16'], '10.2.0.1', false],
    ['an IPv6 range', ['2001:db8::/32'], '2001:db8::1', true],
    ['not an address', ['10.1.0.0/16'], 'host.example', false],
  ])('trusts %s', (_what, trusted, address, expected) => {
    const l = new SourceLimits({ requestsPerSecond: 1, burst: 1, trusted }, now);
    expect(l.isTrusted(address)).toBe(expected);
    l.admitRequest(address);
    expect(l.admitRequest(address)).toBe(expected);
  });

  it('refuses a bad trusted entry by name', () => {
    expect(() => new SourceLimits({ trusted: ['10.0.0.0/40'] })).toThrow('10.0.0.0/40');
    expect(() => new SourceLimits({ trusted: ['nowhere'] })).toThrow('nowhere');
    expect(() => new SourceLimits({ burst: 0 })).toThrow('burst');
  });

  it('caps connections per source (trusted exempt) and frees a place when one closes', () => {
    const l = new SourceLimits({ maxConnectionsPerSource: 2, trusted: ['127.0.0.1'] }, now);
    expect([l.admitConnection('192.0.2.1'), l.admitConnection('192.0.2.1'), l.admitConnection('192.0.2.1')]).toEqual([true, true, false]);
    l.connectionClosed('192.0.2.1');
    expect(l.admitConnection('192.0.2.1')).toBe(true);
    for (let i = 0; i < 5; i++) expect(l.admitConnection('127.0.0.1')).toBe(true);
    expect(l.stats().trips['connections-per-source']).toBe(1);
  });

  it('has no request rate with requestsPerSecond Infinity', () => {
    const l = new SourceLimits({ requestsPerSecond: Infinity }, now);
    for (let i = 0; i < 1000; i++) expect(l.admitRequest('192.0.2.1')).toBe(true);
  });

  it('tracks a bounded number of sources (a spoofed flood cannot grow the table)', () => {
    const l = new SourceLimits({ maxTrackedSources: 100 }, now);
    for (let i = 0; i < 1000; i++) l.admitRequest(`10.0.${i >> 8}.${i & 255}`);
    expect(l.stats().trackedSources).toBeLessThanOrEqual(100);
  });
});
