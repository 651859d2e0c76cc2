import { isDirectQueue } from '../calls/direct-queues';
/** Queues with today's KPIs, live calls, call records, and the liveness probe. */
import type { Express } from 'express';
import { calendarInterval } from '../routing';
import { forbidden, seesQueue, viewerOf } from './access';
import { requireSession } from './auth-routes';
import type { AppContext } from './context';
import { iso, liveCallJson, queueJson, recordJson } from './present';
import { parse, RecordsQuery } from './validation';

export function registerReportRoutes(app: Express, ctx: AppContext): void {
  const { deps } = ctx;
  const auth = requireSession(ctx);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/api/queues', auth, async (_req, res) => {
    const interval = calendarInterval(deps.now(), 'day', { utcOffsetMs: ctx.utcOffsetMs });
    const [snapshot, report] = await Promise.all([deps.acd.snapshot(), deps.acd.report(interval)]);
    res.json({
      at: iso(snapshot.at),
      today: { from: iso(interval.from), to: iso(interval.to) },
      queues: snapshot.queues.filter((q) => !isDirectQueue(q.id)).map((q) => queueJson(q, report.queues[q.id])),
    });
  });

  app.get('/api/calls/live', auth, (_req, res) => {
    res.json({ calls: deps.calls.live().map(liveCallJson) });
  });

  // scoped by role: an operator reads their own calls, a supervisor their queues', an admin all
  app.get('/api/calls/records', auth, async (req, res) => {
    const viewer = viewerOf(ctx, res);
    const filter = parse(RecordsQuery, req.query, 'query');
    if (viewer.role === 'operator') {
      if (filter.operatorId !== undefined && filter.operatorId !== viewer.operatorId) throw forbidden('operators read their own calls only');
      // their own calls: every call they took part in (offered, answered, transferred on), not only the last operator's
      delete (filter as { operatorId?: string }).operatorId;
      (filter as { handledBy?: string }).handledBy = viewer.operatorId;
    } else if (viewer.role === 'supervisor' && filter.queue !== undefined && !seesQueue(viewer, filter.queue)) {
      throw forbidden(`queue ${filter.queue} is not one of yours`);
    }
    let records = await deps.cdrs.query(filter);
    if (viewer.role === 'supervisor') records = records.filter((r) => seesQueue(viewer, r.queue) || r.operatorId === viewer.operatorId);
    res.json({ records: records.map(recordJson) });
  });
}
