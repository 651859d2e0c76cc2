/** The signed-in operator: who they are, their status, the end of their wrap-up. */
import type { Express } from 'express';
import { AppError, isAppError } from '../routing';
import { requireSession } from './auth-routes';
import { currentOperator, currentState, sessionOf, type AppContext } from './context';
import { parse, StatusBody, WrapUpBody } from './validation';

/** A pause must give one of the configured reasons (`desk.pauseReasons`). */
function checkPauseReason(ctx: AppContext, body: StatusBody): void {
  if (body.status !== 'paused') return;
  const ids = ctx.deps.operators.desk.pauseReasons.map((r) => r.id);
  if (ids.includes(body.reason)) return;
  const message = `expected one of ${ids.join(', ')}`;
  throw new AppError('ERR_INVALID_INPUT', `invalid body: reason: ${message} (got "${body.reason}")`, { details: { issues: [{ field: 'reason', message }] } });
}

/** Runs the acd command that takes the operator from their state to the requested status. */
export async function applyStatus(ctx: AppContext, operatorId: string, body: StatusBody): Promise<void> {
  const { acd } = ctx.deps;
  checkPauseReason(ctx, body);
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

/**
 * Extends the operator's wrap-up by `desk.wrapUp.extendMs`, cut so that it never grows beyond
 * `maxTotalMs` from its start; at that limit ERR_WRAP_UP_LIMIT. Returns the ms added.
 */
async function extendWrapUp(ctx: AppContext, operatorId: string): Promise<number> {
  const { deps } = ctx;
  const { op } = await currentOperator(ctx, operatorId);
  if (!op || op.state !== 'wrap-up' || op.wrapUpEndsAt === undefined) {
    const state = op?.state ?? 'offline';
    throw new AppError('ERR_ILLEGAL_TRANSITION', `operator ${operatorId}: cannot extend-wrap-up while ${state}`, {
      details: { operatorId, state, action: 'extend-wrap-up' },
    });
  }
  const { extendMs, maxTotalMs } = deps.operators.desk.wrapUp;
  const ms = Math.min(extendMs, op.since + maxTotalMs - op.wrapUpEndsAt);
  if (ms <= 0) {
    deps.onLimit?.('wrap-up-extension');
    throw new AppError('ERR_WRAP_UP_LIMIT', `wrap-up cannot be extended beyond ${maxTotalMs / 1000} s in all (desk.wrapUp.maxTotalSeconds)`, {
      details: { operatorId, maxTotalSeconds: maxTotalMs / 1000 },
    });
  }
  await deps.acd.extendWrapUp(operatorId, ms);
  return ms;
}

export function registerOperatorRoutes(app: Express, ctx: AppContext): void {
  const { deps } = ctx;
  const auth = requireSession(ctx);
  // one extension at a time per operator: two quick presses must not both pass the limit check
  const extending = new Map<string, Promise<unknown>>();

  app.get('/api/operators/me', auth, async (_req, res) => {
    const { operatorId } = sessionOf(res);
    const account = deps.operators.byId(operatorId);
    if (!account) throw new AppError('ERR_UNKNOWN_OPERATOR', `operator ${operatorId} is no longer configured`, { details: { operatorId } });
    const { pauseReasons, wrapUp } = deps.operators.desk;
    res.json({
      id: account.id, name: account.name, state: await currentState(ctx, operatorId), dispositions: [...deps.dispositions.codes],
      pauseReasons: pauseReasons.map((r) => ({ id: r.id, label: r.label })),
      wrapUp: { extendSeconds: wrapUp.extendMs / 1000, maxTotalSeconds: wrapUp.maxTotalMs / 1000 },
    });
  });

  /** Adds `desk.wrapUp.extendSeconds` to the running wrap-up (up to `maxTotalSeconds` in all). */
  app.post('/api/operators/me/wrap-up/extend', auth, async (_req, res) => {
    const { operatorId } = sessionOf(res);
    const previous = extending.get(operatorId) ?? Promise.resolve();
    // one at a time per operator: this one runs after the previous one settles, whatever its outcome
    // (that outcome is its own request's answer)
    const run = () => extendWrapUp(ctx, operatorId);
    const mine = previous.then(run, run);
    extending.set(operatorId, mine);
    try {
      const ms = await mine;
      res.json({ state: await currentState(ctx, operatorId), extendedSeconds: ms / 1000 });
    } finally {
      if (extending.get(operatorId) === mine) extending.delete(operatorId);
    }
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
