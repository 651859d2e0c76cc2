/**
 * Call history and reports from the record store: `/api/records/calls` (scoped by role),
 * `/api/reports/queues|operators|shifts` (supervisors for their queues, admins for all; JSON, or
 * CSV with `format=csv`).
 */
import type { Express, Response } from 'express';
import type { CallRecord, CallRecordFilter } from '../records/model';
import type { ReportQuery } from '../records/report-types';
import { AppError } from '../routing';
import { forbidden, requireRole, seesQueue, viewerOf, type Viewer } from './access';
import { requireSession } from './auth-routes';
import type { AppContext } from './context';
import type { RecordsHttpDeps } from './deps';
import {
  callRecordJson, operatorReportCsv, operatorRowJson, queueReportCsv, queueRowJson, shiftReportCsv, shiftRowJson,
} from './record-present';
import { CallHistoryQuery, ReportQueryParams, ShiftQueryParams } from './record-validation';
import { parse } from './validation';

/** Whether the viewer may read this call: their own (any segment), their queues', or any for an admin. */
export function mayReadCall(viewer: Viewer, r: CallRecord): boolean {
  if (viewer.role === 'admin') return true;
  if (r.operatorId === viewer.operatorId || r.segments.some((s) => s.operatorId === viewer.operatorId)) return true;
  return viewer.role === 'supervisor' && (seesQueue(viewer, r.queue) || r.segments.some((s) => s.queue !== undefined && seesQueue(viewer, s.queue)));
}

function sendCsv(res: Response, name: string, csv: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  res.send(csv);
}

/** A supervisor's view is narrowed to their queues; asking for another queue is 403. */
function queueScope(viewer: Viewer, queue: string | undefined): { queue?: string; queues?: string[] } {
  if (queue !== undefined) {
    if (viewer.role !== 'admin' && !seesQueue(viewer, queue)) throw forbidden(`queue ${queue} is not one of yours`);
    return { queue };
  }
  return viewer.role === 'admin' ? {} : { queues: [...(viewer.queues ?? [])] };
}

export function registerRecordRoutes(app: Express, ctx: AppContext, records: RecordsHttpDeps): void {
  const auth = requireSession(ctx);
  const { store } = records;
  const reportQuery = (q: { from: number; to: number; interval?: ReportQuery['interval']; queue?: string; operatorId?: string }): ReportQuery => ({
    from: q.from, to: q.to, interval: q.interval ?? 'range', timeZone: records.timeZone, shortAbandonSeconds: records.shortAbandonSeconds,
    serviceLevelSeconds: records.serviceLevelSeconds, defaultServiceLevelSeconds: 20,
    ...(q.queue !== undefined ? { queue: q.queue } : {}), ...(q.operatorId !== undefined ? { operatorId: q.operatorId } : {}),
  });
  /** A supervisor sees operators who share one of their queues. */
  const seesOperator = (viewer: Viewer, operatorId: string) =>
    viewer.role === 'admin' || operatorId === viewer.operatorId ||
    (viewer.role === 'supervisor' && (ctx.deps.operators.byId(operatorId)?.queues ?? []).some((q) => seesQueue(viewer, q)));

  app.get('/api/records/calls', auth, async (req, res) => {
    const viewer = viewerOf(ctx, res);
    const q = parse(CallHistoryQuery, req.query, 'query');
    const filter: CallRecordFilter = { ...q };
    if (viewer.role === 'operator') {
      if (q.operatorId !== undefined && q.operatorId !== viewer.operatorId) throw forbidden('operators read their own calls only');
      filter.handledBy = viewer.operatorId;
      delete filter.operatorId;
    } else if (viewer.role === 'supervisor') {
      Object.assign(filter, queueScope(viewer, q.queue));
    }
    const calls = await store.queryCalls(filter);
    res.json({ calls: calls.map(callRecordJson) });
  });

  app.get('/api/records/calls/:callId', auth, async (req, res) => {
    const viewer = viewerOf(ctx, res);
    const record = await store.getCall(String(req.params.callId));
    if (!record) throw new AppError('ERR_UNKNOWN_CALL', `no call record ${req.params.callId}`);
    if (!mayReadCall(viewer, record)) throw forbidden('not one of your calls');
    res.json(callRecordJson(record));
  });

  app.get('/api/reports/queues', auth, async (req, res) => {
    const viewer = viewerOf(ctx, res);
    requireRole(viewer, 'supervisor', 'admin');
    const q = parse(ReportQueryParams, req.query, 'query');
    const scope = queueScope(viewer, q.queue);
    const rows = (await store.queueReport(reportQuery({ ...q, ...(scope.queue ? { queue: scope.queue } : {}) })))
      .filter((r) => scope.queues === undefined || scope.queues.includes(r.queue));
    if (q.format === 'csv') return sendCsv(res, 'queue-report', queueReportCsv(rows));
    res.json({ timeZone: records.timeZone, interval: q.interval, from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString(), rows: rows.map(queueRowJson) });
  });

  app.get('/api/reports/operators', auth, async (req, res) => {
    const viewer = viewerOf(ctx, res);
    requireRole(viewer, 'supervisor', 'admin');
    const q = parse(ReportQueryParams, req.query, 'query');
    if (q.queue !== undefined) queueScope(viewer, q.queue);
    if (q.operatorId !== undefined && !seesOperator(viewer, q.operatorId)) throw forbidden(`operator ${q.operatorId} is not in your queues`);
    const rows = (await store.operatorReport(reportQuery(q))).filter((r) => seesOperator(viewer, r.operatorId));
    if (q.format === 'csv') return sendCsv(res, 'operator-report', operatorReportCsv(rows));
    res.json({ timeZone: records.timeZone, interval: q.interval, from: new Date(q.from).toISOString(), to: new Date(q.to).toISOString(), rows: rows.map(operatorRowJson) });
  });

  app.get('/api/reports/shifts', auth, async (req, res) => {
    const viewer = viewerOf(ctx, res);
    requireRole(viewer, 'supervisor', 'admin');
    const q = parse(ShiftQueryParams, req.query, 'query');
    if (q.operatorId !== undefined && !seesOperator(viewer, q.operatorId)) throw forbidden(`operator ${q.operatorId} is not in your queues`);
    const rows = (await store.shiftReport({ from: q.from, to: q.to, timeZone: records.timeZone, ...(q.operatorId ? { operatorId: q.operatorId } : {}) }))
      .filter((r) => seesOperator(viewer, r.operatorId));
    if (q.format === 'csv') return sendCsv(res, 'shift-report', shiftReportCsv(rows));
    res.json({ timeZone: records.timeZone, rows: rows.map(shiftRowJson) });
  });
}
