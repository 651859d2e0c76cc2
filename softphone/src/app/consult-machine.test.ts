import { IllegalTransitionError } from '../errors';
import { CONSULT_TRANSITIONS, ConsultMachine, type ConsultEvent, type ConsultState } from './consult-machine';

const STATES = Object.keys(CONSULT_TRANSITIONS) as ConsultState[];
const EVENTS: ConsultEvent[] = [
  'start', 'dial', 'ringing', 'answered', 'failed', 'cancel', 'ended', 'complete', 'complete-failed', 'completed',
  'conference', 'conference-failed', 'joined', 'reset',
];

/** The whole table, spelled out (besides `reset`, legal everywhere and leading to none). */
const LEGAL: Array<[ConsultState, ConsultEvent, ConsultState]> = [
  ['none', 'start', 'holding'],
  ['holding', 'dial', 'dialing'],
  ['holding', 'failed', 'none'],
  ['dialing', 'ringing', 'ringing'],
  ['dialing', 'answered', 'talking'],
  ['dialing', 'failed', 'none'],
  ['dialing', 'cancel', 'none'],
  ['ringing', 'ringing', 'ringing'],
  ['ringing', 'answered', 'talking'],
  ['ringing', 'failed', 'none'],
  ['ringing', 'cancel', 'none'],
  ['talking', 'cancel', 'none'],
  ['talking', 'ended', 'none'],
  ['talking', 'complete', 'completing'],
  ['talking', 'conference', 'conferencing'],
  ['completing', 'completed', 'none'],
  ['completing', 'complete-failed', 'talking'],
  ['completing', 'ended', 'completing'],
  ['conferencing', 'joined', 'conference'],
  ['conferencing', 'conference-failed', 'talking'],
  ['conferencing', 'ended', 'conferencing'],
  ['conference', 'ended', 'conference'],
];

const PATHS: Record<ConsultState, ConsultEvent[]> = {
  none: [],
  holding: ['start'],
  dialing: ['start', 'dial'],
  ringing: ['start', 'dial', 'ringing'],
  talking: ['start', 'dial', 'answered'],
  completing: ['start', 'dial', 'answered', 'complete'],
  conferencing: ['start', 'dial', 'answered', 'conference'],
  conference: ['start', 'dial', 'answered', 'conference', 'joined'],
};

function machineIn(state: ConsultState): ConsultMachine {
  const m = new ConsultMachine();
  for (const e of PATHS[state]) m.send(e);
  expect(m.state).toBe(state);
  return m;
}

describe('ConsultMachine', () => {
  const cases = STATES.flatMap((s) => EVENTS.map((e) => [s, e] as const));
  it.each(cases)('in %s, %s', (state, event) => {
    const m = machineIn(state);
    const legal = event === 'reset' ? 'none' : LEGAL.find(([s, e]) => s === state && e === event)?.[2];
    expect(m.can(event)).toBe(legal !== undefined);
    if (legal === undefined) {
      expect(() => m.send(event)).toThrow(IllegalTransitionError);
      expect(m.state).toBe(state);
    } else {
      expect(m.send(event)).toBe(legal);
    }
  });

  it('reports each transition', () => {
    const seen: string[] = [];
    const m = new ConsultMachine((to, from, event) => seen.push(`${from}-${event}->${to}`));
    m.send('start');
    m.send('dial');
    m.send('failed');
    expect(seen).toEqual(['none-start->holding', 'holding-dial->dialing', 'dialing-failed->none']);
  });
});
