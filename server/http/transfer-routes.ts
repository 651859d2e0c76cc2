import type { Express } from 'express';
import { isDirectQueue } from '../calls/direct-queues';
import { QUEUE_TARGET_PREFIX } from '../calls/transfer-target';
import { requireSession } from './auth-routes';
import { sessionOf, type AppContext } from './context';
import { AppError } from '../routing';

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

  /**
   * `POST /api/operators/me/conference`: the signed-in operator's consultation becomes a conference
   * of the caller, the operator and the colleague (404 without a call, 409 without a connected
   * consultation, 503 when the server has no mixer).
   */
  app.post('/api/operators/me/conference', requireSession(ctx), async (_req, res) => {
    const me = sessionOf(res).operatorId;
    const { calls } = ctx.deps;
    const outcome = calls.conference ? await calls.conference(me) : 'unavailable';
    if (outcome === 'ok') return void res.json({ conference: true });
    const [code, message] = CONFERENCE_ERRORS[outcome];
    throw new AppError(code, message);
  });
}

const CONFERENCE_ERRORS = {
  'not-talking': ['ERR_UNKNOWN_CALL', 'you are not talking on a call'],
  'no-consultation': ['ERR_ILLEGAL_TRANSITION', 'call a colleague about the call first (a consultation), then make it a conference'],
  'unavailable': ['ERR_INVALID_STATE', 'conferences are not available'],
} as const;
