import { i18n, isLanguage, LANGUAGES, type Language } from '../i18n/translator';
import { byId, setOptions } from './dom';

/** The language menu in the top bar; each language listed under its own name. */
export class LanguagePicker {
  onChoose: ((language: Language) => void) | undefined;
  private readonly select: HTMLSelectElement;

  constructor(doc: Document) {
    this.select = byId(doc, 'language', HTMLSelectElement);
    setOptions(this.select, Object.entries(LANGUAGES).map(([value, label]) => ({ value, label })), i18n.language);
    for (const option of this.select.options) option.lang = option.value;
    this.select.addEventListener('change', () => {
      if (isLanguage(this.select.value)) this.onChoose?.(this.select.value);
    });
    i18n.onChange((language) => (this.select.value = language));
  }
}
