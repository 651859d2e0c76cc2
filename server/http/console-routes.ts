/**
 * The supervisor console's API: the console at once (`GET /api/supervisor/console`), its live
 * stream (`GET /api/supervisor/events`: a snapshot, then updates) and the actions on waiting calls
 * (move to another queue, give to a named operator, set priority). Every route wants the role
 * `supervisor` or `admin`; a supervisor acts on their own queues only. Each action is recorded with
 * who took it (`audit.ts`). Forcing an operator's state is `PUT /api/operators/:id/status`
 * (supervisor-routes.ts).
 */
import type { Express, Response } from 'express';
import { z } from 'zod';
import { isDirectQueue } from '../calls/direct-queues';
import { AppError, MAX_PRIORITY, type RoutingEvent } from '../routing';
import { forbidden, requireRole, seesQueue, viewerOf, type Viewer } from './access';
import { recordAction } from './audit';
import { requireSession } from './auth-routes';
import { buildConsoleModel, scopeModel } from './console-model';
import { ConsoleHub, DEFAULT_CONSOLE_FLUSH_MS } from './console-hub';
import { sessionOf, type AppContext } from './context';
import type { CallNotice, OperatorStateNotice } from './deps';
import { iso } from './present';
import { parse, Text } from './validation';

const MoveBody = z.object({ queue: Text(64) });
const AssignBody = z.object({ operatorId: Text(64) });
const PriorityBody = z.object({ priority: z.number().int().min(0).max(MAX_PRIORITY) });
const ActionsQuery = z.object({ limit: z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.number().int().min(1).max(1000)).default(100) });

export interface ConsoleRoutes {
  streams(): number;
  close(): void;
}

function supervisor(ctx: AppContext, res: Response): Viewer {
  const viewer = viewerOf(ctx, res);
  requireRole(viewer, 'supervisor', 'admin');
  return viewer;
}

/** The queue a waiting call is in (the routing id of its visit); 409 when it is not waiting. */
async function waitingQueue(ctx: AppContext, callId: string): Promise<string> {
  const snapshot = await ctx.deps.acd.snapshot();
  for (const q of snapshot.queues) if (q.waiting.some((w) => w.callId === callId)) return q.id;
  throw new AppError('ERR_ILLEGAL_TRANSITION', `call ${callId} is not waiting in a queue (answered, ringing or gone)`, { details: { callId, action: 'supervise' } });
}

export function registerConsoleRoutes(app: Express, ctx: AppContext, options: { heartbeatMs: number; flushMs?: number }): ConsoleRoutes {
  const { deps } = ctx;
  const auth = requireSession(ctx);
  const hub = new ConsoleHub({
    flushMs: options.flushMs ?? DEFAULT_CONSOLE_FLUSH_MS,
    heartbeatMs: options.heartbeatMs,
    build: () => buildConsoleModel(ctx),
    keepAlive: (token) => ctx.sessions.touch(token) !== undefined,
    onError: (err) => deps.logger?.warn({ err }, 'supervisor console: update not built (the next change tries again)'),
  });
  const onRouting = (_e: RoutingEvent) => hub.changed();
  const onState = (_n: OperatorStateNotice) => hub.changed();
  const onCall = (_n: CallNotice) => hub.changed();
  deps.acd.on('event', onRouting);
  deps.events.on('operator-state', onState);
  deps.events.on('call', onCall);

  app.get('/api/supervisor/console', auth, async (_req, res) => {
    const viewer = supervisor(ctx, res);
    const model = scopeModel(await buildConsoleModel(ctx), viewer);
    res.json(model);
  });

  app.get('/api/supervisor/events', requireSession(ctx, { allowQueryToken: true }), (_req, res) => {
    const viewer = supervisor(ctx, res);
    hub.open(sessionOf(res).token, viewer, res);
  });

  app.post('/api/supervisor/calls/:callId/move', auth, async (req, res) => {
    const viewer = supervisor(ctx, res);
    const callId = String(req.params.callId);
    const { queue: to } = parse(MoveBody, req.body, 'body');
    const from = await waitingQueue(ctx, callId);
    if (!seesQueue(viewer, from)) throw forbidden(`call ${callId} waits in ${from}, not one of your queues`);
    if (isDirectQueue(to)) throw new AppError('ERR_UNKNOWN_QUEUE', `unknown queue ${to}`, { details: { queueId: to } });
    if (!seesQueue(viewer, to)) throw forbidden(`queue ${to} is not one of yours`);
    await deps.acd.moveCall(callId, to);
    const audited = await recordAction(ctx, { by: viewer.operatorId, action: 'move-call', callId, queue: from, details: { to } });
    res.json({ callId, queue: to, audited });
  });

  app.post('/api/supervisor/calls/:callId/assign', auth, async (req, res) => {
    const viewer = supervisor(ctx, res);
    const callId = String(req.params.callId);
    const { operatorId } = parse(AssignBody, req.body, 'body');
    const queue = await waitingQueue(ctx, callId);
    if (!seesQueue(viewer, queue)) throw forbidden(`call ${callId} waits in ${queue}, not one of your queues`);
    const account = deps.operators.byId(operatorId);
    if (!account) throw new AppError('ERR_UNKNOWN_OPERATOR', `unknown operator ${operatorId}`, { details: { operatorId } });
    if (viewer.role !== 'admin' && !(account.queues ?? []).some((q) => seesQueue(viewer, q))) throw forbidden(`operator ${operatorId} is in none of your queues`);
    await deps.acd.assignCall(callId, operatorId);
    const audited = await recordAction(ctx, { by: viewer.operatorId, action: 'assign-call', callId, queue, operatorId, details: {} });
    res.json({ callId, operatorId, audited });
  });

  app.post('/api/supervisor/calls/:callId/priority', auth, async (req, res) => {
    const viewer = supervisor(ctx, res);
    const callId = String(req.params.callId);
    const { priority } = parse(PriorityBody, req.body, 'body');
    const queue = await waitingQueue(ctx, callId);
    if (!seesQueue(viewer, queue)) throw forbidden(`call ${callId} waits in ${queue}, not one of your queues`);
    const { events } = await deps.acd.setPriority(callId, priority);
    const changed = events.find((e) => e.type === 'call-priority-changed');
    const audited = await recordAction(ctx, {
      by: viewer.operatorId, action: 'set-priority', callId, queue,
      details: { priority, ...(changed?.type === 'call-priority-changed' ? { from: changed.from } : {}) },
    });
    res.json({ callId, priority, ...(changed?.type === 'call-priority-changed' ? { position: changed.position } : {}), audited });
  });

  // the audit: who did what from the console (a supervisor reads the actions on their queues and their own)
  const records = deps.records;
  if (records) {
    app.get('/api/supervisor/actions', auth, async (req, res) => {
      const viewer = supervisor(ctx, res);
      const { limit } = parse(ActionsQuery, req.query, 'query');
      let actions = await records.store.querySupervisorActions({ limit });
      if (viewer.role !== 'admin') actions = actions.filter((a) => a.by === viewer.operatorId || (a.queue !== undefined && seesQueue(viewer, a.queue)));
      res.json({ actions: actions.map((a) => ({ ...a, at: iso(a.at) })) });
    });
  }

  let closed = false;
  return {
    streams: () => hub.size,
    close() {
      if (closed) return;
      closed = true;
      deps.acd.off('event', onRouting);
      deps.events.off('operator-state', onState);
      deps.events.off('call', onCall);
      hub.close();
    },
  };
}
