import type { CallRecord, QueueConfig, SkillLevels } from './types';

/** The drop in required levels after waiting `waitedMs` (0 before the first step). */
export function relaxationDrop(queue: QueueConfig, waitedMs: number): number {
  let drop = 0;
  for (const step of queue.relaxation) if (waitedMs >= step.afterMs) drop = step.drop;
  return drop;
}

/**
 * The skills a call needs right now: the queue's and the call's own (the higher level wins),
 * each lowered by the relaxation reached after the time waited in this queue.
 * A level that falls to 0 or below is no longer required.
 */
export function effectiveRequirements(queue: QueueConfig, call: Pick<CallRecord, 'skills' | 'enqueuedAt'>, now: number): SkillLevels {
  const base: SkillLevels = {};
  for (const s of queue.skills) base[s.name] = s.level;
  for (const [name, level] of Object.entries(call.skills)) base[name] = Math.max(base[name] ?? 0, level);
  const drop = relaxationDrop(queue, now - call.enqueuedAt);
  const out: SkillLevels = {};
  for (const name of Object.keys(base).sort()) {
    const level = (base[name] as number) - drop;
    if (level > 0) out[name] = level;
  }
  return out;
}

export function meetsRequirements(skills: SkillLevels, required: SkillLevels): boolean {
  for (const name in required) {
    if ((skills[name] ?? 0) < (required[name] as number)) return false;
  }
  return true;
}

/** When the call's requirements next relax, or undefined when they never will again. */
export function nextRelaxationAt(queue: QueueConfig, call: Pick<CallRecord, 'enqueuedAt'>, now: number): number | undefined {
  for (const step of queue.relaxation) {
    const at = call.enqueuedAt + step.afterMs;
    if (at > now) return at;
  }
  return undefined;
}
