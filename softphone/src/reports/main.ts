/** Entry point of the report page's bundle (`dist/reports/reports.js`): wires the page to the browser. */
import 'uplot/dist/uPlot.min.css';
import './reports.css';
import { ApiClient } from '../api/api-client';
import { ReportClient } from './report-client';
import { ReportsPage } from './reports-page';

function main(): void {
  const api = new ApiClient({ baseUrl: location.origin });
  let lastDownload: string | undefined;
  const page = new ReportsPage({
    doc: document,
    api,
    reports: new ReportClient({ baseUrl: location.origin, token: () => api.token }),
    now: () => Date.now(),
    download(fileName, text, type) {
      if (lastDownload) URL.revokeObjectURL(lastDownload);
      lastDownload = URL.createObjectURL(new Blob([text], { type }));
      const a = document.createElement('a');
      a.href = lastDownload;
      a.download = fileName;
      a.hidden = true;
      document.body.append(a);
      a.click();
      a.remove();
    },
  });
  window.addEventListener('pagehide', () => page.leave());
  page.start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
