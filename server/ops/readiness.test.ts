import { createReadiness, type PartState } from './readiness';

describe('createReadiness', () => {
  it.each<[string, Record<string, PartState>, boolean]>([
    ['all up', { sip: 'up', media: 'up', store: 'up' }, true],
    ['media down', { sip: 'up', media: 'down', store: 'up' }, false],
    ['sip down', { sip: 'down', media: 'up', store: 'up' }, false],
    ['all down', { sip: 'down', media: 'down', store: 'down' }, false],
    ['records degraded (writes buffered): reported, still ready', { sip: 'up', media: 'up', records: 'degraded' }, true],
    ['degraded and down', { sip: 'down', media: 'up', records: 'degraded' }, false],
  ])('%s', async (_name, states, ready) => {
    const r = createReadiness(Object.fromEntries(Object.entries(states).map(([k, v]) => [k, () => v])));
    await expect(r.check()).resolves.toEqual({ ready, parts: states });
  });

  it('counts a probe that throws or rejects as down', async () => {
    const r = createReadiness({
      a: () => { throw new Error('boom'); },
      b: () => Promise.reject(new Error('no')),
      c: async () => 'up' as const,
    });
    await expect(r.check()).resolves.toEqual({ ready: false, parts: { a: 'down', b: 'down', c: 'up' } });
  });

  it('is not ready while draining, whatever the parts say', async () => {
    let draining = false;
    const r = createReadiness({ sip: () => 'up' }, { draining: () => draining });
    await expect(r.check()).resolves.toEqual({ ready: true, parts: { sip: 'up' } });
    draining = true;
    await expect(r.check()).resolves.toEqual({ ready: false, draining: true, parts: { sip: 'up' } });
  });

  it('counts a probe that does not answer in time as down', async () => {
    const r = createReadiness({ slow: () => new Promise<PartState>(() => undefined), fast: () => 'up' }, { timeoutMs: 20 });
    await expect(r.check()).resolves.toEqual({ ready: false, parts: { slow: 'down', fast: 'up' } });
  });
});
