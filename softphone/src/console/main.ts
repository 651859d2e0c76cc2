/** Entry point of the supervisor console's bundle (`dist/console/console.js`). */
import './console.css';
import { ApiClient } from '../api/api-client';
import { ConsoleClient } from './console-client';
import { ConsolePage } from './console-page';

function main(): void {
  const api = new ApiClient({ baseUrl: location.origin });
  const page = new ConsolePage({
    doc: document,
    api,
    client: new ConsoleClient({ baseUrl: location.origin, token: () => api.token }),
    now: () => Date.now(),
    openStream: (url) => new EventSource(url),
  });
  window.addEventListener('pagehide', () => page.leave());
  page.start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
