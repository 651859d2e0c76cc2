/** Config of which codec an operator's browser speaks (media/leg-profiles.ts, CodecPolicy). */
import { z } from 'zod';
import { Id } from './fields';


/** `avoid-transcoding`: the trunk's G.711 to the browser, relayed untouched; `opus`: Opus with in-band FEC, transcoded. */
export const CODEC_POLICIES = ['avoid-transcoding', 'opus'] as const;
export type CodecPolicyName = (typeof CODEC_POLICIES)[number];
const CodecPolicyField = z.enum(CODEC_POLICIES);

export const CodecsConfigSchema = z
  .object({
    /** Every call not matched by a group or a queue below. */
    default: CodecPolicyField.default('avoid-transcoding'),
    /** Per queue id (the queue the call was offered from). */
    queues: z.record(Id, CodecPolicyField).default({}),
    /** Named groups of operators (e.g. remote workers on lossy networks); a group wins over the queue. */
    operatorGroups: z
      .array(z.object({ name: Id, policy: CodecPolicyField, operators: z.array(Id).min(1).max(10_000) }).strict())
      .max(100)
      .default([]),
  })
  .strict();

/** Queues and operators named in `codecs` exist; an operator is in at most one group; group names unique. */
export function codecsCheck(value: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  const cfg = (typeof value === 'object' && value !== null ? value : {}) as { operators?: unknown; queues?: unknown; codecs?: unknown };
  const idsOf = (list: unknown) => new Set((Array.isArray(list) ? list : []).map((o) => (o as { id?: unknown })?.id));
  const operators = idsOf(cfg.operators);
  const queues = idsOf(cfg.queues);
  const codecs = (typeof cfg.codecs === 'object' && cfg.codecs !== null ? cfg.codecs : {}) as { queues?: unknown; operatorGroups?: unknown };
  for (const id of Object.keys(typeof codecs.queues === 'object' && codecs.queues !== null ? codecs.queues : {})) {
    if (!queues.has(id)) ctx.addIssue({ code: 'custom', path: ['codecs', 'queues', id], message: `unknown queue "${id}"` });
  }
  const groupOf = new Map<unknown, string>();
  const names = new Set<unknown>();
  (Array.isArray(codecs.operatorGroups) ? codecs.operatorGroups : []).forEach((g: unknown, i) => {
    const group = (typeof g === 'object' && g !== null ? g : {}) as { name?: unknown; operators?: unknown };
    if (names.has(group.name)) ctx.addIssue({ code: 'custom', path: ['codecs', 'operatorGroups', i, 'name'], message: `duplicate group "${String(group.name)}"` });
    names.add(group.name);
    (Array.isArray(group.operators) ? group.operators : []).forEach((id: unknown, j) => {
      const path = ['codecs', 'operatorGroups', i, 'operators', j];
      if (typeof id === 'string' && !operators.has(id)) ctx.addIssue({ code: 'custom', path, message: `unknown operator "${id}"` });
      else if (groupOf.has(id)) ctx.addIssue({ code: 'custom', path, message: `operator "${String(id)}" is already in group "${groupOf.get(id)}"` });
      else groupOf.set(id, String(group.name));
    });
  });
}

/** The codec policy of an operator's leg: the operator's group, else the queue's, else the default. */
export function codecPolicyFor(codecs: z.output<typeof CodecsConfigSchema>, queue: string, operatorId: string): CodecPolicyName {
  return codecs.operatorGroups.find((g) => g.operators.includes(operatorId))?.policy ?? codecs.queues[queue] ?? codecs.default;
}
