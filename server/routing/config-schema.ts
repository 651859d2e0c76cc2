import { z } from 'zod';
import { AppError } from './errors';
import { STRATEGIES, type NewCall, type OperatorConfig, type QueueConfig, type RoutingConfig } from './types';

/** Ids appear in Redis keys and are compared byte-wise, so they are kept to a plain ASCII set. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
const Id = z.string().regex(ID_PATTERN, 'must be 1-64 characters: letters, digits, _ . @ - (not starting with a symbol)');
const SkillName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 characters: letters, digits, _ . -');
export const MIN_LEVEL = 1;
export const MAX_LEVEL = 10;
const Level = z.number().int().min(MIN_LEVEL).max(MAX_LEVEL);
const Ms = z.number().int();
const Reason = z.string().min(1).max(64);
export const MAX_PRIORITY = 99;

export const QueueConfigSchema = z
  .object({
    id: Id,
    strategy: z.enum(STRATEGIES),
    ringTimeoutMs: Ms.positive().default(15_000),
    wrapUpMs: Ms.min(0).default(0),
    maxWaitMs: Ms.positive().optional(),
    maxLength: Ms.min(0).optional(),
    overflow: z.union([z.literal('busy'), z.object({ queue: Id }).strict()]).default('busy'),
    noAnswerPause: Reason.nullable().default('no-answer'),
    skills: z.array(z.object({ name: SkillName, level: Level }).strict()).default([]),
    relaxation: z.array(z.object({ afterMs: Ms.positive(), drop: Level }).strict()).default([]),
    serviceLevelMs: Ms.positive().default(20_000),
    /** The share of calls the centre aims to answer within `serviceLevelMs` (the console shows today's against it). */
    serviceLevelTarget: z.number().min(0).max(1).default(0.8),
    defaultHandleMs: Ms.positive().default(180_000),
  })
  .strict()
  .superRefine((q, ctx) => {
    const seen = new Set<string>();
    q.skills.forEach((s, i) => {
      if (seen.has(s.name)) ctx.addIssue({ code: 'custom', path: ['skills', i, 'name'], message: `skill "${s.name}" listed twice` });
      seen.add(s.name);
    });
    q.relaxation.forEach((step, i) => {
      const prev = q.relaxation[i - 1];
      if (prev && step.afterMs <= prev.afterMs) {
        ctx.addIssue({ code: 'custom', path: ['relaxation', i, 'afterMs'], message: 'relaxation steps must have increasing afterMs' });
      }
      if (prev && step.drop < prev.drop) {
        ctx.addIssue({ code: 'custom', path: ['relaxation', i, 'drop'], message: 'a relaxation step cannot drop less than the one before' });
      }
    });
  });

export const OperatorConfigSchema = z
  .object({
    id: Id,
    skills: z.record(SkillName, Level).default({}),
    queues: z.array(z.object({ queue: Id, penalty: z.number().int().min(0).max(100).default(0) }).strict()).default([]),
  })
  .strict()
  .superRefine((o, ctx) => {
    const seen = new Set<string>();
    o.queues.forEach((m, i) => {
      if (seen.has(m.queue)) ctx.addIssue({ code: 'custom', path: ['queues', i, 'queue'], message: `queue "${m.queue}" listed twice` });
      seen.add(m.queue);
    });
  });

/** A configuration change: well-formed queues and operators, references not yet checked. */
export const RoutingConfigChangeSchema = z
  .object({
    queues: z.array(QueueConfigSchema).default([]),
    operators: z.array(OperatorConfigSchema).default([]),
  })
  .strict();

/** A whole configuration: ids unique, every reference known, no overflow loop. */
export const RoutingConfigSchema = RoutingConfigChangeSchema.superRefine((cfg, ctx) => {
    const index = new Map<string, number>();
    cfg.queues.forEach((q, i) => {
      if (index.has(q.id)) ctx.addIssue({ code: 'custom', path: ['queues', i, 'id'], message: `queue id "${q.id}" is used twice` });
      else index.set(q.id, i);
    });
    cfg.queues.forEach((q, i) => {
      if (q.overflow === 'busy') return;
      if (!index.has(q.overflow.queue)) {
        ctx.addIssue({ code: 'custom', path: ['queues', i, 'overflow', 'queue'], message: `queue ${q.id} overflows to unknown queue "${q.overflow.queue}"` });
        return;
      }
      const loop = overflowLoop(cfg.queues, index, q.id);
      if (loop) ctx.addIssue({ code: 'custom', path: ['queues', i, 'overflow', 'queue'], message: `overflow loop ${loop.join(' → ')}` });
    });
    const ops = new Set<string>();
    cfg.operators.forEach((o, i) => {
      if (ops.has(o.id)) ctx.addIssue({ code: 'custom', path: ['operators', i, 'id'], message: `operator id "${o.id}" is used twice` });
      ops.add(o.id);
      o.queues.forEach((m, j) => {
        if (!index.has(m.queue)) ctx.addIssue({ code: 'custom', path: ['operators', i, 'queues', j, 'queue'], message: `operator ${o.id} is a member of unknown queue "${m.queue}"` });
      });
    });
  });

function overflowLoop(queues: Array<{ id: string; overflow: 'busy' | { queue: string } }>, index: Map<string, number>, start: string): string[] | null {
  const path = [start];
  let current = start;
  for (;;) {
    const q = queues[index.get(current) ?? -1];
    if (!q || q.overflow === 'busy') return null;
    current = q.overflow.queue;
    path.push(current);
    if (current === start) return path;
    if (path.indexOf(current) < path.length - 1) return null; // a loop that does not pass through start: reported on its own queues
  }
}

export const NewCallSchema = z
  .object({
    id: Id,
    queueId: Id,
    priority: z.number().int().min(0).max(MAX_PRIORITY).default(0),
    skills: z.record(SkillName, Level).default({}),
    /** When the call first reached the centre (kept when a transfer queues it again); default: now. */
    arrivedAt: z.number().int().nonnegative().optional(),
    instanceId: Id.optional(),
  })
  .strict();

/** `queues.0.strategy` → `queues[0].strategy`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}

function parse<S extends z.ZodType>(schema: S, input: unknown, what: string, code: 'ERR_INVALID_CONFIG' | 'ERR_INVALID_INPUT'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new AppError(code, `invalid ${what}: ${fields.join('; ')}`, {
    cause: result.error,
    details: { fields: result.error.issues.map((i) => formatPath(i.path)) },
  });
}

/** Checks the shape of a change; the merged result goes through parseRoutingConfig. */
export function parseRoutingConfigChange(input: unknown): RoutingConfig {
  return parse(RoutingConfigChangeSchema, input, 'routing config', 'ERR_INVALID_CONFIG') as RoutingConfig;
}

export function parseRoutingConfig(input: unknown): RoutingConfig {
  return parse(RoutingConfigSchema, input, 'routing config', 'ERR_INVALID_CONFIG') as RoutingConfig;
}

export function parseQueueConfig(input: unknown): QueueConfig {
  return parse(QueueConfigSchema, input, 'queue config', 'ERR_INVALID_CONFIG') as QueueConfig;
}

export function parseOperatorConfig(input: unknown): OperatorConfig {
  return parse(OperatorConfigSchema, input, 'operator config', 'ERR_INVALID_CONFIG') as OperatorConfig;
}

export type ParsedNewCall = Required<Omit<NewCall, 'arrivedAt'>> & Pick<NewCall, 'arrivedAt'>;

export function parseNewCall(input: unknown): ParsedNewCall {
  return parse(NewCallSchema, input, 'call', 'ERR_INVALID_INPUT') as ParsedNewCall;
}

const PositiveMs = z.number().int().positive();
export function parsePositiveMs(input: unknown, field: string): number {
  return parse(PositiveMs, input, field, 'ERR_INVALID_INPUT') as number;
}

const Priority = z.number().int().min(0).max(MAX_PRIORITY);
export function parsePriority(input: unknown, field = 'priority'): number {
  return parse(Priority, input, field, 'ERR_INVALID_INPUT') as number;
}

export function parseReason(input: unknown, field = 'reason'): string {
  return parse(Reason, input, field, 'ERR_INVALID_INPUT') as string;
}

export function parseId(input: unknown, field: string): string {
  return parse(Id, input, field, 'ERR_INVALID_INPUT') as string;
}

/** Upsert: queues and operators of `incoming` replace those with the same id in `current`. */
export function mergeRoutingConfig(current: RoutingConfig, incoming: RoutingConfig): RoutingConfig {
  const queues = new Map(current.queues.map((q) => [q.id, q]));
  for (const q of incoming.queues) queues.set(q.id, q);
  const operators = new Map(current.operators.map((o) => [o.id, o]));
  for (const o of incoming.operators) operators.set(o.id, o);
  return { queues: [...queues.values()], operators: [...operators.values()] };
}
