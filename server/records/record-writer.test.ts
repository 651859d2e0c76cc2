import type { CallRecord, OperatorActivity } from './model';
import { RecordWriter } from './record-writer';

/** A store that can be switched off (connection errors) and remembers what reached it. */
class FakeStore {
  down = false;
  saved: CallRecord[][] = [];
  activity: OperatorActivity[] = [];
  disposed: string[] = [];
  private check() {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  }
  async saveCalls(records: readonly CallRecord[]) {
    this.check();
    if (records.some((r) => r.callId === 'poison')) throw Object.assign(new Error('invalid input syntax'), { code: '22P02' });
    this.saved.push([...records]);
  }
  async recordActivity(a: OperatorActivity) {
    this.check();
    this.activity.push(a);
  }
  async dispose(callId: string) {
    this.check();
    this.disposed.push(callId);
    return true;
  }
}

const rec = (callId: string, over: Partial<CallRecord> = {}): CallRecord => ({
  callId, direction: 'inbound', queue: 'q', trunkId: 't', caller: '+4930111222', number: '100', instanceId: 'i1',
  arrivedAt: 1, waitSeconds: 0, talkSeconds: 0, holdSeconds: 0, segments: [], ...over,
});

function logger() {
  const lines: Array<{ level: string; msg?: string; obj: object }> = [];
  const at = (level: string) => (obj: object, msg?: string) => { lines.push({ level, obj, msg }); };
  return { lines, log: { info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('RecordWriter', () => {
  it('writes in the background, keeping only the newest snapshot of a call', async () => {
    const store = new FakeStore();
    store.down = true; // hold the writes so the snapshots coalesce
    const w = new RecordWriter({ store, retryMinMs: 5, retryMaxMs: 5 });
    await w.saveCall(rec('a', { waitSeconds: 1 }));
    await w.saveCall(rec('a', { waitSeconds: 2 }));
    await w.saveCall(rec('b'));
    expect(w.stats().pending).toBe(2);
    store.down = false;
    await w.flush();
    const written = store.saved.flat();
    expect(written.filter((r) => r.callId === 'a').at(-1)?.waitSeconds).toBe(2);
    expect(w.state()).toBe('up');
    await w.close();
  });

  it('buffers while the database is down (degraded), then writes everything in order when it is back', async () => {
    const store = new FakeStore();
    const { lines, log } = logger();
    const w = new RecordWriter({ store, retryMinMs: 5, retryMaxMs: 20, log });
    store.down = true;
    await w.saveCall(rec('a'));
    for (const state of ['available', 'paused', 'available']) await w.recordActivity({ operatorId: 'alice', state, at: 1, instanceId: 'i1' });
    await expect(w.flush(100)).rejects.toMatchObject({ code: 'ERR_RECORDS_UNAVAILABLE' });
    expect(w.state()).toBe('degraded');
    expect(await w.dispose('x', 'alice', 'sale')).toBe(true); // queued
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1); // one line per outage, not per retry
    store.down = false;
    await w.flush();
    expect(w.state()).toBe('up');
    expect(store.saved.flat().map((r) => r.callId)).toEqual(['a']);
    expect(store.activity.map((a) => a.state)).toEqual(['available', 'paused', 'available']);
    expect(store.disposed).toEqual(['x']);
    expect(w.stats()).toMatchObject({ pending: 0, dropped: 0, written: 5 });
    expect(w.stats().failures).toBeGreaterThan(0);
    await w.close();
  });

  it('refuses new entries when full: counted and logged, never silently; updates of a buffered call still fit', async () => {
    const store = new FakeStore();
    store.down = true;
    const { lines, log } = logger();
    const w = new RecordWriter({ store, bufferMax: 2, retryMinMs: 5, retryMaxMs: 5, log, closeTimeoutMs: 50 });
    await w.saveCall(rec('a'));
    await w.saveCall(rec('b'));
    await w.saveCall(rec('c'));
    await w.recordActivity({ operatorId: 'alice', state: 'available', at: 1, instanceId: 'i1' });
    await w.saveCall(rec('a', { waitSeconds: 9 }));
    expect(w.stats()).toMatchObject({ pending: 2, dropped: 2 });
    expect(lines.filter((l) => l.level === 'error').map((l) => l.obj)).toEqual([
      expect.objectContaining({ kind: 'call', callId: 'c', dropped: 1 }),
      expect.objectContaining({ kind: 'activity', operatorId: 'alice', dropped: 2 }),
    ]);
    await w.close();
    expect(lines.at(-1)).toMatchObject({ level: 'error', obj: { pending: 2 } });
  });

  it('a record the database refuses is logged and counted, and does not block the others', async () => {
    const store = new FakeStore();
    const { lines, log } = logger();
    const w = new RecordWriter({ store, log });
    store.down = true;
    await w.saveCall(rec('ok-1'));
    await w.saveCall(rec('poison'));
    await w.saveCall(rec('ok-2'));
    store.down = false;
    await w.saveCall(rec('ok-3'));
    await w.flush();
    expect(store.saved.flat().map((r) => r.callId).sort()).toEqual(['ok-1', 'ok-2', 'ok-3']);
    expect(w.stats().rejected).toBe(1);
    expect(lines.find((l) => l.level === 'error')?.obj).toMatchObject({ callId: 'poison' });
    await w.close();
  });

  it('a disposition for a call still in the buffer is set on it; another operator is refused', async () => {
    const store = new FakeStore();
    store.down = true;
    const w = new RecordWriter({ store, retryMinMs: 5, retryMaxMs: 5 });
    await w.saveCall(rec('a', { operatorId: 'alice' }));
    expect(await w.dispose('a', 'bob', 'sale')).toBe(false);
    expect(await w.dispose('a', 'alice', 'sale', 'note')).toBe(true);
    await w.saveCall(rec('a', { operatorId: 'alice', endedAt: 5 })); // a later snapshot keeps it
    store.down = false;
    await w.flush();
    expect(store.saved.flat().at(-1)).toMatchObject({ callId: 'a', disposition: 'sale', notes: 'note', endedAt: 5 });
    await w.close();
  });

  it('is closed after close()', async () => {
    const w = new RecordWriter({ store: new FakeStore() });
    await w.close();
    await w.close();
    await expect(w.saveCall(rec('a'))).rejects.toMatchObject({ code: 'ERR_RECORDS_CLOSED' });
  });
});
