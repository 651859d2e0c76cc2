import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { en, type MessageKey } from './en';
import { CATALOGUES, chooseLanguage, fill, LANGUAGES, Translator } from './translator';

const placeholders = (s: string) => [...s.matchAll(/\{([a-zA-Z][\w.]*)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  const keys = Object.keys(en).sort();
  it.each(Object.keys(LANGUAGES))('%s has every key of the English catalogue, no other, none empty, with the same placeholders', (lang) => {
    const catalogue = CATALOGUES[lang as keyof typeof LANGUAGES] as Record<string, string>;
    expect(Object.keys(catalogue).sort()).toEqual(keys);
    for (const key of keys) {
      expect(catalogue[key]?.trim()).not.toBe('');
      expect([key, placeholders(catalogue[key] ?? '')]).toEqual([key, placeholders(en[key as MessageKey])]);
    }
  });

  it('every data-i18n key used by the page exists', () => {
    const html = readFileSync(path.join(__dirname, '..', 'index.html'), 'utf8');
    const used = [...html.matchAll(/data-i18n(?:-label|-title)?="([^"]+)"/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(50);
    expect(used.filter((k) => !Object.hasOwn(en, k))).toEqual([]);
  });
});

describe('chooseLanguage', () => {
  it.each([
    [null, ['fi-FI', 'en'], 'fi'],
    [null, ['de-DE', 'tr'], 'tr'],
    [null, ['de-DE'], 'en'],
    [null, [], 'en'],
    ['ro', ['ru-RU'], 'ro'],
    ['xx', ['ru-RU'], 'ru'],
    ['__proto__', ['RU'], 'ru'],
  ] as const)('stored %s, browser %j → %s', (stored, preferred, expected) => {
    expect(chooseLanguage(stored, preferred)).toBe(expected);
  });
});

describe('Translator', () => {
  it('fills placeholders and follows the language, telling listeners', () => {
    const t = new Translator('en');
    const heard: string[] = [];
    t.onChange((l) => heard.push(l));
    expect(t.t('alert.incomingFrom', { caller: '+358 40 1' })).toBe('Incoming call: +358 40 1');
    t.setLanguage('ru');
    expect(t.t('alert.incomingFrom', { caller: '+7 1' })).toBe('Входящий звонок: +7 1');
    expect(heard).toEqual(['ru']);
  });

  it('leaves a placeholder without a value visible', () => {
    expect(fill('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
