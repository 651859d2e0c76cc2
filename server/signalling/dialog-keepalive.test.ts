import type Srf from 'drachtio-srf';
import { deviceGone, keepDialogAlive } from './dialog-keepalive';

/** A dialog whose in-dialog requests get the given outcomes in turn (a status, or a rejection with one). */
function fakeDialog(outcomes: Array<number | { rejectStatus?: number } | 'never'>) {
  const methods: string[] = [];
  const dialog = {
    request: (r: { method: string }) => {
      methods.push(r.method);
      const next = outcomes.shift() ?? 200;
      if (next === 'never') return new Promise(() => undefined);
      if (typeof next === 'number') return Promise.resolve({ status: next });
      return Promise.reject(Object.assign(new Error('failed'), next.rejectStatus !== undefined ? { status: next.rejectStatus } : {}));
    },
  };
  return { dialog: dialog as unknown as Srf.Dialog, methods };
}

/** Runs timers and the promise callbacks they start. */
async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
}

describe('in-dialog keep-alive of an operator\'s answered call', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it.each([
    [undefined, true], [410, true], [503, true], [408, true], [481, true], [200, false], [405, false], [501, false], [486, false],
  ])('status %p means the device is gone: %p', (status, gone) => {
    expect(deviceGone({ ...(status !== undefined ? { status } : {}) })).toBe(gone);
  });

  it('probes with OPTIONS every interval while answered, and ends once on the first failed probe', async () => {
    const { dialog, methods } = fakeDialog([200, 200, 410, 200]);
    const gone = jest.fn();
    keepDialogAlive(dialog, { intervalMs: 1000, timeoutMs: 500 }, gone);
    await advance(2000);
    expect(methods).toEqual(['OPTIONS', 'OPTIONS']);
    expect(gone).not.toHaveBeenCalled();
    await advance(1000);
    expect(gone).toHaveBeenCalledWith(410);
    await advance(5000);
    expect(methods).toHaveLength(3); // no probe after the device is gone
    expect(gone).toHaveBeenCalledTimes(1);
  });

  it('counts a rejection without a status (the engine could not send) and an unanswered probe as gone', async () => {
    const a = fakeDialog([{}]);
    const goneA = jest.fn();
    keepDialogAlive(a.dialog, { intervalMs: 1000, timeoutMs: 500 }, goneA);
    await advance(1000);
    expect(goneA).toHaveBeenCalledWith(undefined);

    const b = fakeDialog(['never']);
    const goneB = jest.fn();
    keepDialogAlive(b.dialog, { intervalMs: 1000, timeoutMs: 500 }, goneB);
    await advance(1400);
    expect(goneB).not.toHaveBeenCalled();
    await advance(200);
    expect(goneB).toHaveBeenCalledWith(undefined);
  });

  it('stops probing when stopped (the call ended)', async () => {
    const { dialog, methods } = fakeDialog([]);
    const stop = keepDialogAlive(dialog, { intervalMs: 1000, timeoutMs: 500 }, jest.fn());
    await advance(1000);
    stop();
    await advance(5000);
    expect(methods).toEqual(['OPTIONS']);
  });
});
