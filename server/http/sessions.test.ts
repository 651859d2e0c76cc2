import { SessionStore, type Session, type SessionPersistence } from './sessions';

/** A persistence that records what it is asked to do; `fail` makes the next calls reject. */
function fakePersistence() {
  const saved = new Map<string, Session>();
  const calls: string[] = [];
  const state = { fail: false };
  const p: SessionPersistence = {
    save: async (s) => {
      calls.push(`save ${s.token} ${s.expiresAt}`);
      if (state.fail) throw new Error('down');
      saved.set(s.token, s);
    },
    remove: async (token) => {
      calls.push(`remove ${token}`);
      if (state.fail) throw new Error('down');
      saved.delete(token);
    },
  };
  return { p, saved, calls, state };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('sign-in sessions', () => {
  it('in memory only: create, touch (expiry pushed back), expire, delete', () => {
    let now = 1000;
    const store = new SessionStore(100, () => now);
    store.create('t1', 'ann');
    now = 1090;
    expect(store.touch('t1')).toMatchObject({ operatorId: 'ann', expiresAt: 1190 });
    now = 1190;
    expect(store.touch('t1')).toBeUndefined();
    store.create('t2', 'bob');
    expect(store.delete('t2')).toMatchObject({ operatorId: 'bob' });
    expect(store.size).toBe(0);
  });

  it('with a persistence: written on sign-in, again only every tenth of the TTL of use, removed on sign-out, kept at shutdown', async () => {
    let now = 0;
    const { p, saved, calls } = fakePersistence();
    const store = new SessionStore(1000, () => now, { persistence: p });
    store.create('t1', 'ann');
    now = 50;
    store.touch('t1'); // expiry 1050: moved by less than 100, not written
    now = 100;
    store.touch('t1'); // expiry 1100: written
    await flush();
    expect(calls).toEqual(['save t1 1000', 'save t1 1100']);
    store.clear(); // shutdown: the persisted session stays for the next start
    expect(saved.has('t1')).toBe(true);
    const again = new SessionStore(1000, () => now, { persistence: p, initial: [...saved.values()] });
    expect(again.touch('t1')).toMatchObject({ operatorId: 'ann' });
    again.delete('t1');
    await flush();
    expect(saved.has('t1')).toBe(false);
  });

  it('takes back only the live sessions at start; a failed write is logged and tried again at the next use', async () => {
    let now = 500;
    const { p, calls, state } = fakePersistence();
    const warn = jest.fn();
    const store = new SessionStore(1000, () => now, {
      persistence: p, log: { warn },
      initial: [
        { token: 'live', operatorId: 'ann', createdAt: 0, expiresAt: 900, routing: true },
        { token: 'gone', operatorId: 'bob', createdAt: 0, expiresAt: 400, routing: true },
      ],
    });
    expect(store.touch('gone')).toBeUndefined();
    expect(store.size).toBe(1);
    state.fail = true;
    store.create('t2', 'cid');
    await flush();
    expect(warn).toHaveBeenCalledTimes(1);
    state.fail = false;
    now = 501;
    store.touch('t2'); // not written before: written now
    await flush();
    expect(calls.filter((c) => c.startsWith('save t2'))).toEqual(['save t2 1500', 'save t2 1501']);
  });
});
