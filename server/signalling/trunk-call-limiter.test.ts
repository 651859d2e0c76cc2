import { TrunkCallLimiter } from './trunk-call-limiter';

function setup(maxCallsPerSecond: number, maxConcurrentCalls: number) {
  let now = 1_000_000;
  const limiter = new TrunkCallLimiter(() => ({ maxCallsPerSecond, maxConcurrentCalls }), () => now);
  return { limiter, advance: (ms: number) => { now += ms; } };
}

describe('TrunkCallLimiter', () => {
  it('admits a burst of maxCallsPerSecond, then refuses until the bucket refills', () => {
    const { limiter, advance } = setup(3, 100);
    const results = ['a', 'b', 'c', 'd'].map((k) => limiter.admit('t', k));
    expect(results.map((r) => r.admitted)).toEqual([true, true, true, false]);
    expect(results[3]).toEqual({ admitted: false, limit: 'trunk-calls-per-second', retryAfterSeconds: 1 });
    advance(340); // one token back (3/s)
    expect(limiter.admit('t', 'e').admitted).toBe(true);
    expect(limiter.admit('t', 'f').admitted).toBe(false);
  });

  it('caps calls in progress per trunk; a released call frees its place', () => {
    const { limiter, advance } = setup(100, 2);
    expect(limiter.admit('t', 'a').admitted).toBe(true);
    expect(limiter.admit('t', 'b').admitted).toBe(true);
    expect(limiter.admit('t', 'c')).toEqual({ admitted: false, limit: 'trunk-concurrent-calls', retryAfterSeconds: 5 });
    expect(limiter.admit('other', 'x').admitted).toBe(true); // trunks are counted apart
    limiter.release('a');
    limiter.release('a'); // idempotent
    advance(10);
    expect(limiter.active('t')).toBe(1);
    expect(limiter.admit('t', 'c').admitted).toBe(true);
    expect(limiter.active('t')).toBe(2);
  });

  it('counts a call key once', () => {
    const { limiter } = setup(100, 1);
    expect(limiter.admit('t', 'a').admitted).toBe(true);
    expect(limiter.admit('t', 'a').admitted).toBe(true);
    expect(limiter.active('t')).toBe(1);
  });

  it('stops counting a call left unanswered for 5 minutes, never an answered one', () => {
    const { limiter, advance } = setup(100, 2);
    limiter.admit('t', 'ringing');
    limiter.admit('t', 'talking');
    limiter.answered('talking');
    advance(5 * 60_000 + 1);
    expect(limiter.admit('t', 'new')).toEqual({ admitted: true });
    expect(limiter.admit('t', 'newer')).toMatchObject({ admitted: false, limit: 'trunk-concurrent-calls' });
  });
});
