import { formatDuration } from './format';
import { SHORTCUT_KEYS, shortcutFor, type KeyPress } from './shortcuts';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, altKey: false, metaKey: false, inEditable: false, ...extra });

describe('shortcutFor', () => {
  it.each([
    ['a', { kind: 'answer' }], ['A', { kind: 'answer' }], ['d', { kind: 'decline' }], ['x', { kind: 'hangup' }], ['X', { kind: 'hangup' }],
    ['h', { kind: 'hold' }], ['M', { kind: 'mute' }],
    ['5', { kind: 'dtmf', tone: '5' }], ['*', { kind: 'dtmf', tone: '*' }], ['#', { kind: 'dtmf', tone: '#' }],
    ['e', undefined], ['Enter', undefined], ['Escape', undefined], [' ', undefined], ['ArrowDown', undefined], ['F5', undefined],
  ])('%s → %j', (key, expected) => {
    expect(shortcutFor(press(key))).toEqual(expected);
  });

  it.each([
    ['typing in a field', { inEditable: true }], ['Ctrl', { ctrlKey: true }], ['Alt', { altKey: true }], ['Meta', { metaKey: true }],
  ])('does nothing while %s', (_name, extra) => {
    expect(shortcutFor(press('h', extra))).toBeUndefined();
    expect(shortcutFor(press('1', extra))).toBeUndefined();
  });
});

/** Rows of a keyboard; a key's neighbours are the keys beside it and the ones touching it in the rows above and below. */
const LAYOUTS: Record<string, string[]> = {
  qwerty: ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'],
  qwertz: ['1234567890', 'qwertzuiop', 'asdfghjkl', 'yxcvbnm'],
};
/** Row offsets of a standard staggered keyboard, in key widths. */
const STAGGER = [0, 0.5, 0.75, 1.25];

function neighbours(rows: string[], key: string): Set<string> {
  const out = new Set<string>();
  const r = rows.findIndex((row) => row.includes(key));
  const x = rows[r]!.indexOf(key) + STAGGER[r]!;
  rows.forEach((row, rr) => {
    if (Math.abs(rr - r) > 1) return;
    [...row].forEach((k, i) => {
      if (k !== key && Math.abs(i + STAGGER[rr]! - x) < 1.01) out.add(k);
    });
  });
  return out;
}

describe('shortcut keys are far apart where a slip hurts', () => {
  const keyOf = (kind: string) => Object.keys(SHORTCUT_KEYS).find((k) => SHORTCUT_KEYS[k] === kind)!;
  // keys that do something during a call: hang up, hold, mute and the keypad digits
  const inCall = [keyOf('hold'), keyOf('mute'), ...'0123456789'];

  it.each(Object.entries(LAYOUTS))('on %s, Hang up is not next to Hold, Mute or a keypad digit', (_name, rows) => {
    const near = neighbours(rows, keyOf('hangup'));
    expect(inCall.filter((k) => near.has(k))).toEqual([]);
    expect(inCall).not.toContain(keyOf('hangup'));
  });

  it('the neighbour table is sane (H touches G J Y U B N on qwerty)', () => {
    expect([...neighbours(LAYOUTS.qwerty!, 'h')].sort()).toEqual(['b', 'g', 'j', 'n', 'u', 'y']);
  });
});

describe('formatDuration', () => {
  it.each([[0, '0:00'], [5.9, '0:05'], [65, '1:05'], [600, '10:00'], [3725, '1:02:05'], [-3, '0:00']])('%d s → %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});
