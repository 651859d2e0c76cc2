/** Probes for the orchestrator: `/readyz` (can the server take calls) and `/metrics` (Prometheus). */
import type { Express } from 'express';
import type { AppContext } from './context';

export function registerOpsRoutes(app: Express, ctx: AppContext): void {
  const { deps } = ctx;

  app.get('/readyz', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!deps.readiness) {
      res.json({ status: 'ready', parts: {} });
      return;
    }
    const report = await deps.readiness.check();
    const status = report.ready ? 'ready' : report.draining ? 'draining' : 'not-ready';
    res.status(report.ready ? 200 : 503).json({ status, parts: report.parts });
  });

  app.get('/metrics', async (_req, res, next) => {
    if (!deps.metrics) return next(); // not enabled: 404 like any unknown path
    res.setHeader('Cache-Control', 'no-store');
    const body = await deps.metrics.render();
    res.type(deps.metrics.contentType).send(body);
  });
}
