import { ApiClient } from './api/api-client';
import { SoftphoneApp } from './app/softphone-app';
import { chooseLanguage, i18n, LANGUAGE_STORAGE_KEY, localise } from './i18n/translator';
import { byId } from './ui/dom';
import { SoftphoneView } from './ui/softphone-view';

/** Entry point of the bundle: wires the page to the browser's APIs. */
function main(): void {
  startLanguage();
  const view = new SoftphoneView(document);
  view.language.onChoose = (language) => {
    try {
      localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
    } catch (error) {
      console.warn('the language choice is not remembered (storage refused):', error);
    }
    i18n.setLanguage(language);
  };
  if (!navigator.mediaDevices) {
    view.showLogin();
    view.showMessage('This page needs a secure context (https, or http on localhost) to use the microphone.');
    return;
  }
  const app = new SoftphoneApp({
    view,
    api: new ApiClient({ baseUrl: location.origin }),
    mediaDevices: navigator.mediaDevices,
    storage: localStorage,
    outputs: {
      speaker: byId(document, 'remote-audio', HTMLAudioElement),
      ringer: byId(document, 'ringer-audio', HTMLAudioElement),
      test: byId(document, 'test-audio', HTMLAudioElement),
    },
    notifications: typeof Notification === 'undefined' ? undefined : Notification,
    focusWindow: () => window.focus(),
    createAudioContext: () => new AudioContext(),
  });
  window.addEventListener('beforeunload', (ev) => {
    if (app.busy) ev.preventDefault();
  });
  window.addEventListener('pagehide', () => app.shutdown());
  // restored from the back/forward cache after pagehide released everything: start afresh
  window.addEventListener('pageshow', (ev) => {
    if (ev.persisted) location.reload();
  });
  app.start();
}

/** The operator's remembered language, else the browser's; the static text follows every change. */
function startLanguage(): void {
  let stored: string | null;
  try {
    stored = localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    stored = null; // storage disabled: the browser's language it is
  }
  i18n.setLanguage(chooseLanguage(stored, navigator.languages?.length ? navigator.languages : [navigator.language]));
  localise(document, i18n.t, i18n.language);
  i18n.onChange((language) => localise(document, i18n.t, language));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
