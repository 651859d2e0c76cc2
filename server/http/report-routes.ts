import { isDirectQueue } from '../calls/direct-queues';
/** Queues with today's KPIs, live calls, call records, and the liveness probe. */
import type { Express } from 'express';
import { calendarInterval } from '../routing';
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

  app.get('/api/calls/records', auth, async (req, res) => {
    const filter = parse(RecordsQuery, req.query, 'query');
    const records = await deps.cdrs.query(filter);
    res.json({ records: records.map(recordJson) });
  });
}
