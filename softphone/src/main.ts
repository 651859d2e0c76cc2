import { ApiClient } from './api/api-client';
import { SoftphoneApp } from './app/softphone-app';
import { byId } from './ui/dom';
import { SoftphoneView } from './ui/softphone-view';

/** Entry point of the bundle: wires the page to the browser's APIs. */
function main(): void {
  const view = new SoftphoneView(document);
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

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
