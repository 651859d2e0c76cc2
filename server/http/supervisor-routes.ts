/**
 * A supervisor (of one of the operator's queues) or an admin sets an operator's status, whatever
 * state they are in: the way out for an operator stuck on an offer or a call (a softphone gone, a
 * call whose process died). From a reserved, ringing or on-call state the operator is first logged
 * out by force (the offer is withdrawn, the call is hung up and completed), then given the status.
 */
import type { Express } from 'express';
import { AppError } from '../routing';
import { forbidden, requireRole, seesQueue, viewerOf } from './access';
import { recordAction } from './audit';
import { requireSession } from './auth-routes';
import { currentOperator, currentState, type AppContext } from './context';
import { applyStatus } from './operator-routes';
import { parse, StatusBody } from './validation';

const HELD = new Set(['reserved', 'ringing', 'on-call']);

export function registerSupervisorRoutes(app: Express, ctx: AppContext): void {
  const { deps } = ctx;

  app.put('/api/operators/:id/status', requireSession(ctx), async (req, res) => {
    const viewer = viewerOf(ctx, res);
    requireRole(viewer, 'supervisor', 'admin');
    const operatorId = String(req.params.id);
    const account = deps.operators.byId(operatorId);
    if (!account) throw new AppError('ERR_UNKNOWN_OPERATOR', `unknown operator ${operatorId}`, { details: { operatorId } });
    if (!(account.queues ?? []).some((q) => seesQueue(viewer, q)) && viewer.role !== 'admin') throw forbidden(`operator ${operatorId} is in none of your queues`);
    const body = parse(StatusBody, req.body, 'body');
    const { op } = await currentOperator(ctx, operatorId);
    const from = op?.state ?? 'offline';
    if (body.status === 'offline' || HELD.has(from)) {
      if (from !== 'offline') await deps.acd.logout(operatorId, { force: true });
    }
    await applyStatus(ctx, operatorId, body);
    const audited = await recordAction(ctx, {
      by: viewer.operatorId, action: 'operator-status', operatorId,
      details: { from, status: body.status, ...(body.status === 'paused' ? { reason: body.reason } : {}) },
    });
    res.json({ state: await currentState(ctx, operatorId), audited });
  });
}
