/**
 * The page's languages: one catalogue per language (en.ts is the reference; the type makes every
 * other one list every key), the operator's choice remembered in localStorage, the browser's
 * languages as the default. `{name}` in a message is filled from `vars`.
 */
import { en, type MessageKey, type Messages } from './en';
import { fi } from './fi';
import { ro } from './ro';
import { ru } from './ru';
import { tr } from './tr';

/** Each language under its own name (as the picker shows it). */
export const LANGUAGES = { en: 'English', ru: 'Русский', fi: 'Suomi', tr: 'Türkçe', ro: 'Română' } as const;
export type Language = keyof typeof LANGUAGES;
export const CATALOGUES: Readonly<Record<Language, Messages>> = { en, ru, fi, tr, ro };
/** Where the operator's choice is kept. */
export const LANGUAGE_STORAGE_KEY = 'switchboard.language';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && Object.hasOwn(LANGUAGES, value);
}

/** The stored choice, else the first of the browser's languages we have (`fi-FI` → `fi`), else English. */
export function chooseLanguage(stored: string | null | undefined, preferred: readonly string[]): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

/** `{name}` → `vars.name`; a placeholder without a value stays as written (a bug shows, not a blank). */
export function fill(template: string, vars: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{([a-zA-Z][\w.]*)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

export type Translate = (key: MessageKey, vars?: Readonly<Record<string, string | number>>) => string;

/** The current language and its messages; listeners re-render when it changes. */
export class Translator {
  private current: Language;
  private readonly listeners = new Set<(language: Language) => void>();

  constructor(language: Language = 'en') {
    this.current = language;
  }

  get language(): Language {
    return this.current;
  }

  readonly t: Translate = (key, vars) => fill(CATALOGUES[this.current][key] ?? en[key], vars);

  setLanguage(language: Language): void {
    if (language === this.current) return;
    this.current = language;
    for (const l of this.listeners) l(language);
  }

  onChange(listener: (language: Language) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The page's translator: views call `i18n.t(…)` when they render. */
export const i18n = new Translator();

/**
 * The static text of the page: `data-i18n="key"` sets the text, `data-i18n-label` the
 * `aria-label`, `data-i18n-title` the title; `<html lang>` follows.
 */
export function localise(doc: Document, t: Translate, language: Language): void {
  doc.documentElement.lang = language;
  for (const el of doc.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as MessageKey);
  for (const el of doc.querySelectorAll<HTMLElement>('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel as MessageKey));
  for (const el of doc.querySelectorAll<HTMLElement>('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle as MessageKey);
}
