import type { Express } from 'express';
import { isDirectQueue } from '../calls/direct-queues';
import { QUEUE_TARGET_PREFIX } from '../calls/transfer-target';
import { requireSession } from './auth-routes';
import { sessionOf, type AppContext } from './context';

/**
 * `GET /api/transfer-targets`: whom an operator can hand a call to — the other operators with their
 * live state and the SIP user a REFER names, and the queues (REFER target `queue-ID`).
 */
export function registerTransferRoutes(app: Express, ctx: AppContext): void {
  app.get('/api/transfer-targets', requireSession(ctx), async (_req, res) => {
    const me = sessionOf(res).operatorId;
    const snapshot = await ctx.deps.acd.snapshot();
    const operators = snapshot.operators
      .filter((o) => o.id !== me)
      .flatMap((o) => {
        const account = ctx.deps.operators.byId(o.id);
        return account ? [{ id: o.id, name: account.name, target: account.sipUsername, state: o.state }] : [];
      });
    const queues = snapshot.queues
      .filter((q) => !isDirectQueue(q.id))
      .map((q) => ({ id: q.id, target: `${QUEUE_TARGET_PREFIX}${q.id}`, waiting: q.waiting.length }));
    res.json({ operators, queues });
  });
}
