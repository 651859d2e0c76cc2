/**
 * Call scripts: `GET /api/scripts/:queue` (any signed-in operator: the page loads the script
 * when a call of the queue rings), `PUT` and `DELETE` (admins only; `{ "markdown": "…" }`).
 */
import type { Express } from 'express';
import { z } from 'zod';
import { requireRole, viewerOf } from './access';
import { requireSession } from './auth-routes';
import type { AppContext } from './context';
import type { ScriptBook } from './script-book';
import { parse } from './validation';

const ScriptBody = z.object({ markdown: z.string() }).strict();

export function registerScriptRoutes(app: Express, ctx: AppContext, scripts: ScriptBook): void {
  const auth = requireSession(ctx);
  const queueOf = (params: Record<string, string | string[] | undefined>) => String(params.queue ?? '');

  app.get('/api/scripts/:queue', auth, (req, res) => {
    const queue = queueOf(req.params);
    const markdown = scripts.get(queue);
    res.json({ queue, markdown: markdown ?? null });
  });

  app.put('/api/scripts/:queue', auth, (req, res) => {
    const viewer = viewerOf(ctx, res);
    requireRole(viewer, 'admin');
    const queue = queueOf(req.params);
    const { markdown } = parse(ScriptBody, req.body, 'body');
    scripts.set(queue, markdown);
    ctx.deps.logger?.info({ operatorId: viewer.operatorId, queue, chars: markdown.length }, 'call script changed');
    res.json({ queue, markdown: scripts.get(queue) ?? null });
  });

  app.delete('/api/scripts/:queue', auth, (req, res) => {
    const viewer = viewerOf(ctx, res);
    requireRole(viewer, 'admin');
    const queue = queueOf(req.params);
    const existed = scripts.delete(queue);
    ctx.deps.logger?.info({ operatorId: viewer.operatorId, queue, existed }, 'call script removed');
    res.status(204).end();
  });
}
