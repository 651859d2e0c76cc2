import { LogLimiter } from './log-limiter';

describe('LogLimiter', () => {
  it('lets perMinute lines per key through, counts the rest, and reports them with the next line', () => {
    let now = 0;
    const limiter = new LogLimiter({ perMinute: 2, now: () => now });
    const got = Array.from({ length: 5 }, () => limiter.admit('refused:10.0.0.1'));
    expect(got).toEqual([{}, {}, undefined, undefined, undefined]);
    expect(limiter.admit('refused:10.0.0.2')).toEqual({}); // another source has its own budget
    now += 60_000;
    expect(limiter.admit('refused:10.0.0.1')).toEqual({ suppressed: 3 });
    expect(limiter.admit('refused:10.0.0.1')).toEqual({});
    expect(limiter.admit('refused:10.0.0.1')).toBeUndefined();
  });

  it('keeps memory bounded under many sources', () => {
    const limiter = new LogLimiter({ perMinute: 1, maxKeys: 100, now: () => 0 });
    for (let i = 0; i < 1000; i++) limiter.admit(`k${i}`);
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBeLessThanOrEqual(100);
  });
});
