/** Queries and bodies of the record, report and customer routes (zod); refusals are ERR_INVALID_INPUT. */
import { z } from 'zod';
import { CALL_OUTCOMES } from '../records/model';
import { REPORT_INTERVALS } from '../records/report-types';
import { Instant, Text } from './validation';

const Limit = (max: number, dflt: number) => z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.number().int().min(1).max(max)).default(dflt);
const Format = z.enum(['json', 'csv']).default('json');
const ordered = (q: { from?: number; to?: number }, ctx: z.RefinementCtx) => {
  if (q.from !== undefined && q.to !== undefined && q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'expected a time after from' });
};

export const CallHistoryQuery = z.object({
  from: Instant.optional(),
  to: Instant.optional(),
  queue: Text(64).optional(),
  operatorId: Text(64).optional(),
  outcome: z.enum(CALL_OUTCOMES).optional(),
  customerId: Text(64).optional(),
  caller: Text(64).optional(),
  limit: Limit(1000, 100),
}).strict().superRefine(ordered);

export const ReportQueryParams = z.object({
  from: Instant,
  to: Instant,
  interval: z.enum(REPORT_INTERVALS).default('hour'),
  queue: Text(64).optional(),
  operatorId: Text(64).optional(),
  format: Format,
}).strict().superRefine(ordered);

export const ShiftQueryParams = z.object({
  from: Instant,
  to: Instant,
  operatorId: Text(64).optional(),
  format: Format,
}).strict().superRefine(ordered);

export const CustomerSearchQuery = z.object({
  q: Text(100).optional(),
  tag: Text(64).optional(),
  limit: Limit(1000, 100),
}).strict();

export const PhoneQuery = z.object({ phone: Text(64) }).strict();

export const CustomerBody = z.object({
  name: z.string().max(200).optional(),
  company: z.string().max(200).optional(),
  notes: z.string().max(10_000).optional(),
  phones: z.array(z.string().max(64)).max(10).optional(),
  tags: z.array(z.string().min(1).max(64)).max(50).optional(),
  fields: z.record(z.string().min(1).max(64), z.string().max(1000)).optional(),
}).strict();
