import { AcdKeys } from './keys';
import { SCRIPTS } from './lua/scripts';

const tagOf = (key: string) => /\{([^}]*)\}/.exec(key)?.[1];

describe('ACD keys', () => {
  const keys = new AcdKeys('sb1');

  it('gives one queue’s keys one hash tag, distinct per queue and prefix', () => {
    const q = [keys.members('sales'), keys.waiting('sales'), keys.meta('sales')];
    expect(new Set(q.map(tagOf))).toEqual(new Set(['sb1:q:sales']));
    expect(tagOf(keys.waiting('support'))).toBe('sb1:q:support');
    expect(tagOf(new AcdKeys('sb2').waiting('sales'))).toBe('sb2:q:sales');
  });

  it('lays out script KEYS as four globals then three per queue', () => {
    expect(keys.scriptKeys(['a', 'b'])).toEqual([
      'sb1:ops', 'sb1:calls', 'sb1:queues', 'sb1:timers',
      '{sb1:q:a}:members', '{sb1:q:a}:waiting', '{sb1:q:a}:meta',
      '{sb1:q:b}:members', '{sb1:q:b}:waiting', '{sb1:q:b}:meta',
    ]);
  });

  it('rejects a prefix that could break the key layout', () => {
    expect(() => new AcdKeys('a{b}')).toThrow(RangeError);
  });

  it('documents KEYS and ARGV at the top of every script', () => {
    for (const script of Object.values(SCRIPTS)) {
      const head = script.source.split('\n').slice(0, 14).join('\n');
      expect(head).toContain('-- KEYS[1]');
      expect(head).toContain('-- ARGV[1]');
    }
  });
});
