/** Request bodies and queries (zod); a refusal is ERR_INVALID_INPUT naming the field. */
import { z } from 'zod';
import { CALL_OUTCOMES } from './deps';
import { invalidInput } from './errors';

export const Text = (max: number) => z.string().trim().min(1).max(max);

/** `routing: false`: a session for a page that takes no calls (reports); the operator's routing state is left alone. */
export const LoginBody = z.object({ username: Text(64), password: z.string().min(1).max(256), routing: z.boolean().default(true) });

export const StatusBody = z.discriminatedUnion('status', [
  z.object({ status: z.literal('available') }),
  z.object({ status: z.literal('paused'), reason: Text(64) }),
  z.object({ status: z.literal('offline') }),
]);
export type StatusBody = z.output<typeof StatusBody>;

export const WrapUpBody = z.object({ disposition: Text(64), notes: z.string().max(2000).optional() });

/** An instant as ISO 8601 or epoch milliseconds; becomes epoch ms. */
export const Instant = z.string().transform((v, ctx) => {
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 date-time or epoch milliseconds' });
    return z.NEVER;
  }
  return ms;
});

export const RecordsQuery = z.object({
  from: Instant.optional(),
  to: Instant.optional(),
  queue: Text(64).optional(),
  operatorId: Text(64).optional(),
  outcome: z.enum(CALL_OUTCOMES).optional(),
  limit: z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(1000))
    .default(100),
}).superRefine((q, ctx) => {
  if (q.from !== undefined && q.to !== undefined && q.from >= q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'expected a time after from' });
});

/** Parses or throws ERR_INVALID_INPUT. */
export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.output<S> {
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (!result.success) throw invalidInput(where, result.error);
  return result.data;
}
