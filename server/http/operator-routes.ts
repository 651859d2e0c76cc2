/** The signed-in operator: who they are, their status, the end of their wrap-up. */
import type { Express } from 'express';
import { AppError, isAppError } from '../routing';
import { requireSession } from './auth-routes';
import { currentOperator, currentState, sessionOf, type AppContext } from './context';
import { parse, StatusBody, WrapUpBody } from './validation';

/** Runs the acd command that takes the operator from their state to the requested status. */
export async function applyStatus(ctx: AppContext, operatorId: string, body: StatusBody): Promise<void> {
  const { acd } = ctx.deps;
  const { op } = await currentOperator(ctx, operatorId);
  const state = op?.state ?? 'offline';
  switch (body.status) {
    case 'available':
      if (state === 'offline') await acd.operatorLogin(operatorId);
      else if (state === 'wrap-up') await acd.endWrapUp(operatorId);
      else if (state !== 'available') await acd.setAvailable(operatorId);
      return;
    case 'paused':
      if (state === 'offline') await acd.operatorLogin(operatorId, { pausedReason: body.reason });
      else await acd.pause(operatorId, body.reason);
      return;
    case 'offline':
      if (state !== 'offline') await acd.logout(operatorId);
      return;
  }
}

/** The call whose disposition the operator is giving: the one just completed, else their newest record. */
async function dispositionCall(ctx: AppContext, operatorId: string): Promise<string | undefined> {
  const pending = ctx.pendingDispositions.get(operatorId);
  if (pending !== undefined) return pending;
  const [last] = await ctx.deps.cdrs.query({ operatorId, limit: 1 });
  return last?.callId;
}

export function registerOperatorRoutes(app: Express, ctx: AppContext): void {
  const { deps } = ctx;
  const auth = requireSession(ctx);

  app.get('/api/operators/me', auth, async (_req, res) => {
    const { operatorId } = sessionOf(res);
    const account = deps.operators.byId(operatorId);
    if (!account) throw new AppError('ERR_UNKNOWN_OPERATOR', `operator ${operatorId} is no longer configured`, { details: { operatorId } });
    res.json({ id: account.id, name: account.name, state: await currentState(ctx, operatorId), dispositions: [...deps.dispositions.codes] });
  });

  app.put('/api/operators/me/status', auth, async (req, res) => {
    const { operatorId } = sessionOf(res);
    const body = parse(StatusBody, req.body, 'body');
    await applyStatus(ctx, operatorId, body);
    res.json({ state: await currentState(ctx, operatorId) });
  });

  /**
   * Stores the disposition with the call and ends wrap-up. When wrap-up already ended by itself
   * (its time ran out, or the queue has none) the disposition of the call just handled is still
   * taken; with no such call it is ERR_ILLEGAL_TRANSITION.
   */
  app.post('/api/operators/me/wrap-up', auth, async (req, res) => {
    const { operatorId } = sessionOf(res);
    const body = parse(WrapUpBody, req.body, 'body');
    const codes = deps.dispositions.codes;
    if (codes.length > 0 && !codes.includes(body.disposition)) {
      const message = `expected one of ${codes.join(', ')}`;
      throw new AppError('ERR_INVALID_INPUT', `invalid body: disposition: ${message}`, { details: { issues: [{ field: 'disposition', message }] } });
    }
    const notes = body.notes?.trim() ? body.notes.trim() : undefined;
    const { op } = await currentOperator(ctx, operatorId);
    const inWrapUp = op?.state === 'wrap-up';
    const callId = inWrapUp ? await dispositionCall(ctx, operatorId) : ctx.pendingDispositions.get(operatorId);
    if (!inWrapUp && callId === undefined) await deps.acd.endWrapUp(operatorId); // throws the domain error
    if (callId !== undefined) {
      await deps.dispositions.record(callId, operatorId, body.disposition, notes);
      ctx.pendingDispositions.delete(operatorId);
    } else {
      deps.logger?.warn({ operatorId, disposition: body.disposition }, 'wrap-up without a known call: disposition not stored');
    }
    if (inWrapUp) {
      try {
        await deps.acd.endWrapUp(operatorId);
      } catch (err) {
        // wrap-up time ran out meanwhile: the disposition is stored, the state is what it is
        if (!isAppError(err, 'ERR_ILLEGAL_TRANSITION')) throw err;
      }
    }
    res.json({ state: await currentState(ctx, operatorId) });
  });
}
