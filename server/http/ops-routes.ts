/** Probes for the orchestrator: `/readyz` (can the server take calls) and `/metrics` (Prometheus). */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Express, Request } from 'express';
import { AppError } from '../routing';
import type { AppContext } from './context';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** True when the request carries `Authorization: Bearer <token>` (compared in constant time). */
function hasBearer(req: Request, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

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

  app.get('/metrics', async (req, res, next) => {
    if (!deps.metrics) return next(); // not enabled: 404 like any unknown path
    if (ctx.metricsToken !== undefined && !hasBearer(req, ctx.metricsToken)) {
      throw new AppError('ERR_UNAUTHORIZED', 'the metrics need Authorization: Bearer <ops.metricsToken>');
    }
    res.setHeader('Cache-Control', 'no-store');
    const body = await deps.metrics.render();
    res.type(deps.metrics.contentType).send(body);
  });
}
