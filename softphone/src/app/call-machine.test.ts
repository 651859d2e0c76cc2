import { IllegalTransitionError } from '../errors';
import { CALL_TRANSITIONS, CallMachine, type CallEvent, type CallState } from './call-machine';

const STATES: CallState[] = ['idle', 'ringing', 'connecting', 'on-call', 'held', 'wrap-up'];
const EVENTS: CallEvent[] = ['offer', 'answer', 'decline', 'cancel', 'established', 'fail', 'hold', 'unhold', 'end', 'consult-ended', 'wrap-up-done'];

/** The whole table, spelled out: every legal (state, event) and where it leads. */
const LEGAL: Array<[CallState, CallEvent, CallState]> = [
  ['idle', 'offer', 'ringing'],
  ['ringing', 'answer', 'connecting'],
  ['ringing', 'decline', 'idle'],
  ['ringing', 'cancel', 'idle'],
  ['connecting', 'established', 'on-call'],
  ['connecting', 'fail', 'idle'],
  ['connecting', 'cancel', 'idle'],
  ['on-call', 'hold', 'held'],
  ['on-call', 'end', 'wrap-up'],
  ['on-call', 'consult-ended', 'idle'],
  ['held', 'unhold', 'on-call'],
  ['held', 'end', 'wrap-up'],
  ['held', 'consult-ended', 'idle'],
  ['wrap-up', 'wrap-up-done', 'idle'],
];

/** Drives a fresh machine into `state` along legal events. */
const PATHS: Record<CallState, CallEvent[]> = {
  idle: [],
  ringing: ['offer'],
  connecting: ['offer', 'answer'],
  'on-call': ['offer', 'answer', 'established'],
  held: ['offer', 'answer', 'established', 'hold'],
  'wrap-up': ['offer', 'answer', 'established', 'end'],
};

function machineIn(state: CallState): CallMachine {
  const m = new CallMachine();
  for (const e of PATHS[state]) m.send(e);
  expect(m.state).toBe(state);
  return m;
}

describe('CallMachine', () => {
  it('has exactly the documented table', () => {
    const table: Array<[CallState, CallEvent, CallState]> = [];
    for (const s of STATES) for (const e of EVENTS) {
      const to = CALL_TRANSITIONS[s][e];
      if (to) table.push([s, e, to]);
    }
    expect(table).toHaveLength(LEGAL.length);
    expect(table).toEqual(expect.arrayContaining(LEGAL));
  });

  it.each(LEGAL)('%s --%s--> %s', (from, event, to) => {
    const m = machineIn(from);
    const seen: Array<[CallState, CallState, CallEvent]> = [];
    m.delegate = { onTransition: (t, f, e) => seen.push([t, f, e]) };
    expect(m.can(event)).toBe(true);
    expect(m.send(event)).toBe(to);
    expect(m.state).toBe(to);
    expect(seen).toEqual([[to, from, event]]);
  });

  const illegal = STATES.flatMap((s) => EVENTS.filter((e) => !LEGAL.some(([f, ev]) => f === s && ev === e)).map((e) => [s, e] as const));
  it.each(illegal)('in %s, %s is illegal and throws without moving', (from, event) => {
    const m = machineIn(from);
    const onTransition = jest.fn();
    m.delegate = { onTransition };
    expect(m.can(event)).toBe(false);
    expect(() => m.send(event)).toThrow(IllegalTransitionError);
    try {
      m.send(event);
    } catch (error) {
      expect(error).toMatchObject({ code: 'ERR_ILLEGAL_TRANSITION', from, event });
    }
    expect(m.state).toBe(from);
    expect(onTransition).not.toHaveBeenCalled();
  });

  it('runs a whole call with hold and wrap-up back to idle', () => {
    const m = new CallMachine();
    for (const e of ['offer', 'answer', 'established', 'hold', 'unhold', 'hold', 'end', 'wrap-up-done'] as CallEvent[]) m.send(e);
    expect(m.state).toBe('idle');
  });
});
