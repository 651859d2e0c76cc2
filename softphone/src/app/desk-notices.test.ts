import type { OperatorState } from '../api/contract';
import { stateNotice, type OfferEnd } from './desk-notices';

const label = (r: string) => (r === 'no-answer' ? 'no answer' : r);
const state = (status: OperatorState['status'], reason?: string): OperatorState => ({ status, since: 0, ...(reason ? { reason } : {}) });

describe('stateNotice', () => {
  it.each<[string, OperatorState['status'] | undefined, OperatorState, OfferEnd, ReturnType<typeof stateNotice>]>([
    ['a ring-out', 'ringing', state('paused', 'no-answer'), 'stopped',
      { kind: 'show', text: 'Missed call — you are now paused: no answer. Choose Available to take calls again.', level: 'error', chime: true, missed: 'rangOut' }],
    ['a ring-out before the page rang', 'reserved', state('paused', 'no-answer'), undefined,
      { kind: 'show', text: 'Missed call — you are now paused: no answer. Choose Available to take calls again.', level: 'error', chime: true, missed: 'rangOut' }],
    ['a decline', 'ringing', state('paused', 'no-answer'), 'declined',
      { kind: 'show', text: 'Call declined — you are now paused: no answer. Choose Available to take calls again.', level: 'error', chime: true, missed: 'declined' }],
    ['a queue pausing with its own reason', 'ringing', state('paused', 'rang-out'), 'stopped',
      { kind: 'show', text: 'Missed call — you are now paused: rang-out. Choose Available to take calls again.', level: 'error', chime: true, missed: 'rangOut' }],
    ['a decline where the queue does not pause', 'ringing', state('available'), 'declined',
      { kind: 'show', text: 'Call declined — you are still available.', level: 'info', chime: false, missed: 'declined' }],
    ['the caller leaving while it rings', 'ringing', state('available'), 'stopped',
      { kind: 'show', text: 'The call stopped ringing: the caller hung up or a colleague answered.', level: 'info', chime: false, missed: 'stopped' }],
    ['a new offer', 'paused', state('reserved'), undefined, { kind: 'clear' }],
    ['ringing after reserved', 'reserved', state('ringing'), undefined, { kind: 'clear' }],
    ['an answer', 'ringing', state('on-call'), undefined, { kind: 'clear' }],
    ['the same state again', 'ringing', state('ringing'), undefined, undefined],
    ['a pause the operator chose', 'available', state('paused', 'lunch'), undefined, undefined],
    ['the end of wrap-up', 'wrap-up', state('available'), undefined, undefined],
    ['the first state', undefined, state('paused', 'login'), undefined, undefined],
  ])('%s', (_name, previous, next, offerEnd, expected) => {
    expect(stateNotice(previous, next, offerEnd, label)).toEqual(expected);
  });
});
