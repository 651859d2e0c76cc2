import { isAppError } from './errors';
import { OPERATOR_TRANSITIONS, nextOperatorState, type OperatorAction } from './operator-state';
import { OPERATOR_STATES, type OperatorState } from './types';

const ACTIONS: OperatorAction[] = ['login', 'login-paused', 'pause', 'resume', 'reserve', 'ring', 'answer', 'release', 'no-answer', 'hangup', 'hangup-no-wrap-up', 'end-wrap-up', 'logout', 'force-logout', 'recover'];

// The legal moves, spelled out once more so a change to the table shows up here.
const LEGAL: Array<[OperatorState, OperatorAction, OperatorState]> = [
  ['offline', 'login', 'available'],
  ['offline', 'login-paused', 'paused'],
  ['available', 'pause', 'paused'],
  ['available', 'reserve', 'reserved'],
  ['available', 'logout', 'offline'],
  ['available', 'force-logout', 'offline'],
  ['paused', 'pause', 'paused'],
  ['paused', 'resume', 'available'],
  ['paused', 'logout', 'offline'],
  ['paused', 'force-logout', 'offline'],
  ['reserved', 'ring', 'ringing'],
  ['reserved', 'answer', 'on-call'],
  ['reserved', 'release', 'available'],
  ['reserved', 'no-answer', 'paused'],
  ['reserved', 'force-logout', 'offline'],
  ['reserved', 'recover', 'paused'],
  ['ringing', 'answer', 'on-call'],
  ['ringing', 'release', 'available'],
  ['ringing', 'no-answer', 'paused'],
  ['ringing', 'force-logout', 'offline'],
  ['ringing', 'recover', 'paused'],
  ['on-call', 'hangup', 'wrap-up'],
  ['on-call', 'hangup-no-wrap-up', 'available'],
  ['on-call', 'force-logout', 'offline'],
  ['on-call', 'recover', 'paused'],
  ['wrap-up', 'end-wrap-up', 'available'],
  ['wrap-up', 'pause', 'paused'],
  ['wrap-up', 'logout', 'offline'],
  ['wrap-up', 'force-logout', 'offline'],
];

describe('operator state machine', () => {
  it.each(LEGAL)('%s --%s--> %s', (from, action, to) => {
    expect(nextOperatorState('op', from, action)).toBe(to);
  });

  const illegal = OPERATOR_STATES.flatMap((from) => ACTIONS.filter((a) => !LEGAL.some(([f, act]) => f === from && act === a)).map((a) => [from, a] as const));
  it.each(illegal)('%s --%s--> throws ERR_ILLEGAL_TRANSITION', (from, action) => {
    let caught: unknown;
    try {
      nextOperatorState('op-7', from, action);
    } catch (err) {
      caught = err;
    }
    expect(isAppError(caught, 'ERR_ILLEGAL_TRANSITION')).toBe(true);
    expect((caught as Error).message).toBe(`operator op-7: cannot ${action} while ${from}`);
  });

  it('the table has exactly the legal moves', () => {
    const count = Object.values(OPERATOR_TRANSITIONS).reduce((n, row) => n + Object.keys(row).length, 0);
    expect(count).toBe(LEGAL.length);
  });

  it('every state can reach available', () => {
    for (const from of OPERATOR_STATES) {
      const seen = new Set<OperatorState>([from]);
      const todo = [from];
      while (todo.length) {
        const s = todo.pop() as OperatorState;
        for (const to of Object.values(OPERATOR_TRANSITIONS[s])) {
          if (to && !seen.has(to)) {
            seen.add(to);
            todo.push(to);
          }
        }
      }
      expect(seen.has('available')).toBe(true);
    }
  });
});
