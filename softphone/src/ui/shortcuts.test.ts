import { formatDuration } from './format';
import { shortcutFor, type KeyPress } from './shortcuts';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, altKey: false, metaKey: false, inEditable: false, ...extra });

describe('shortcutFor', () => {
  it.each([
    ['a', { kind: 'answer' }], ['A', { kind: 'answer' }], ['d', { kind: 'decline' }], ['h', { kind: 'hangup' }], ['M', { kind: 'mute' }],
    ['5', { kind: 'dtmf', tone: '5' }], ['*', { kind: 'dtmf', tone: '*' }], ['#', { kind: 'dtmf', tone: '#' }],
    ['x', undefined], ['Enter', undefined], ['ArrowDown', undefined], ['F5', undefined],
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

describe('formatDuration', () => {
  it.each([[0, '0:00'], [5.9, '0:05'], [65, '1:05'], [600, '10:00'], [3725, '1:02:05'], [-3, '0:00']])('%d s → %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});
