import { ApiError, type ExtendResult } from '../api/contract';
import { WrapUpClock } from './wrap-up-clock';

function rig(extend: () => Promise<ExtendResult>) {
  let now = 1_000_000;
  const shown: Array<[number | undefined, boolean]> = [];
  const messages: Array<[string, string | undefined]> = [];
  const states: unknown[] = [];
  const clock = new WrapUpClock({
    view: { setTimeLeft: (s, can) => shown.push([s === undefined ? undefined : Math.ceil(s), can]) },
    extend, onOperatorState: (s) => {
      states.push(s);
      clock.state(s);
    },
    showMessage: (text, kind) => messages.push([text, kind]),
    now: () => now, tickMs: 1000,
  });
  return { clock, shown, messages, states, advance: (ms: number) => { now += ms; jest.advanceTimersByTime(ms); } };
}

const wrapUp = (leftMs: number) => ({ status: 'wrap-up' as const, since: 0, wrapUpLeftMs: leftMs });

describe('WrapUpClock', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('counts down from the time left the server sent, and hides when wrap-up ends', () => {
    const r = rig(async () => { throw new Error('unused'); });
    r.clock.state(wrapUp(30_000));
    expect(r.shown.at(-1)).toEqual([30, true]);
    r.advance(3_000);
    expect(r.shown.at(-1)).toEqual([27, true]);
    expect(r.clock.secondsLeft).toBe(27);
    r.clock.state({ status: 'available', since: 0 });
    expect(r.shown.at(-1)).toEqual([undefined, false]);
    const count = r.shown.length;
    r.advance(5_000);
    expect(r.shown).toHaveLength(count); // no ticking after
  });

  it('Extend shows the new deadline, greys the button while in flight, and says what it did', async () => {
    let resolve: (r: ExtendResult) => void = () => undefined;
    const r = rig(() => new Promise((res) => { resolve = res; }));
    r.clock.setStep(30);
    r.clock.state(wrapUp(10_000));
    const pending = r.clock.extend();
    expect(r.shown.at(-1)).toEqual([10, false]);
    void r.clock.extend(); // a second press while the first is in flight is ignored
    resolve({ extendedSeconds: 30, state: wrapUp(40_000) });
    await pending;
    expect(r.shown.at(-1)).toEqual([40, true]);
    expect(r.messages).toEqual([['Wrap-up extended by 30 s.', 'info']]);
  });

  it('a step cut short, or ERR_WRAP_UP_LIMIT, greys Extend out for the rest of the wrap-up', async () => {
    const answers: Array<() => Promise<ExtendResult>> = [
      async () => ({ extendedSeconds: 12, state: wrapUp(40_000) }),
    ];
    const r = rig(() => answers.shift()!());
    r.clock.setStep(30);
    r.clock.state(wrapUp(28_000));
    await r.clock.extend();
    expect(r.shown.at(-1)).toEqual([40, false]);
    expect(r.messages.at(-1)?.[0]).toMatch(/longest it may last/);
    await r.clock.extend(); // ignored: nothing asked
    expect(answers).toHaveLength(0);

    // the next wrap-up starts afresh; the server refuses at its limit
    r.clock.state({ status: 'available', since: 0 });
    const limited = rig(async () => { throw new ApiError('ERR_WRAP_UP_LIMIT', 'limit', 409); });
    limited.clock.state(wrapUp(5_000));
    await limited.clock.extend();
    expect(limited.shown.at(-1)).toEqual([5, false]);
    expect(limited.messages).toEqual([['Wrap-up cannot be extended any further: finish it now.', 'info']]);
  });

  it('another failure says so and leaves Extend usable', async () => {
    const r = rig(async () => { throw new ApiError('ERR_NETWORK', 'cannot reach the server', 0); });
    r.clock.state(wrapUp(20_000));
    await r.clock.extend();
    expect(r.messages).toEqual([['Wrap-up not extended: cannot reach the server', undefined]]);
    expect(r.shown.at(-1)).toEqual([20, true]);
  });
});
