import { FakeClock } from '../transaction/clock';
import { Dialog } from '../dialog/dialog';
import { parseSessionExpires, SessionTimers } from './session-timer';
import { parseRAck } from './reliable-provisionals';

describe('parseSessionExpires', () => {
  it.each([
    ['1800', { delta: 1800, refresher: undefined }],
    ['1800;refresher=uac', { delta: 1800, refresher: 'uac' }],
    [' 90 ; refresher = UAS ', { delta: 90, refresher: 'uas' }],
    ['600;foo=bar;refresher=uas', { delta: 600, refresher: 'uas' }],
    ['abc', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j', (value, expected) => expect(parseSessionExpires(value)).toEqual(expected));
});

describe('parseRAck', () => {
  it.each([
    ['776656 1 INVITE', { rseq: 776656, cseq: 1, method: 'INVITE' }],
    [' 1  314159  INVITE ', { rseq: 1, cseq: 314159, method: 'INVITE' }],
    ['1 INVITE', undefined],
    [undefined, undefined],
  ])('%j', (value, expected) => expect(parseRAck(value)).toEqual(expected));
});

describe('SessionTimers', () => {
  const dialog = () => new Dialog('d', 'uas', 'c', 'l', 'r', '<sip:a@b>', '<sip:c@d>', 'sip:c@d', [], 'sip:a@b',
    { protocol: 'udp', address: '127.0.0.1', port: 5060 }, 'app', 1, 1);

  it('expires at the interval when the peer refreshes, and refreshes near half of it when we do', () => {
    const clock = new FakeClock();
    const events: string[] = [];
    const timers = new SessionTimers(clock, () => events.push('refresh'), () => events.push('expire'));
    const theirs = dialog();
    timers.arm(theirs, 100, false);
    clock.advance(99_999);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events).toEqual(['expire']);
    const ours = dialog();
    timers.arm(ours, 100, true);
    clock.advance(44_999); // 50 s less the largest jitter (5 s)
    expect(events).toEqual(['expire']);
    clock.advance(10_001);
    expect(events).toEqual(['expire', 'refresh']);
  });

  it('cancel stops the timer and says whether we were the refresher', () => {
    const clock = new FakeClock();
    const timers = new SessionTimers(clock, () => undefined, () => { throw new Error('must not fire'); });
    const d = dialog();
    timers.arm(d, 10, true);
    expect(timers.cancel(d)).toBe(true);
    expect(d.sessionExpires).toBeUndefined();
    clock.advance(20_000);
    expect(timers.has(d)).toBe(false);
  });
});
