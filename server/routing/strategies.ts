import { compareIds } from './call-order';
import type { Prng } from './prng';
import { effectiveRequirements, meetsRequirements } from './skills';
import type { CallRecord, EligibleOperator, OperatorChoice, OperatorRecord, QueueConfig, SkillLevels, Strategy } from './types';

export const MAX_EXPLAINED = 10;

interface Candidate {
  id: string;
  penalty: number;
  key: number;
  /** Second key: idle-since for the load-based strategies, 0 for the others (id decides). */
  tie: number;
}

/** The ordering key of a candidate under a strategy; lower ranks first. */
function strategyKey(strategy: Strategy, op: OperatorRecord, rrLast: string | undefined): number {
  switch (strategy) {
    case 'longest-idle':
      return op.idleSince;
    case 'fewest-calls':
      return op.calls;
    case 'least-talk-time':
      return op.talkMs;
    case 'round-robin':
      // Operators after the last one offered come first, then the round starts again.
      return rrLast !== undefined && compareIds(op.id, rrLast) <= 0 ? 1 : 0;
    case 'ring-all':
    case 'random':
      return 0;
  }
}

function strategyTie(strategy: Strategy, op: OperatorRecord): number {
  return strategy === 'fewest-calls' || strategy === 'least-talk-time' ? op.idleSince : 0;
}

/** Penalty tier first, then the strategy key, then the tie key, then id: a total order. */
function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.penalty !== b.penalty) return a.penalty - b.penalty;
  if (a.key !== b.key) return a.key - b.key;
  if (a.tie !== b.tie) return a.tie - b.tie;
  return compareIds(a.id, b.id);
}

export interface SelectOperatorsInput {
  queue: QueueConfig;
  members: Record<string, number>;
  rrLast?: string;
  call: CallRecord;
  now: number;
  operator: (id: string) => OperatorRecord | undefined;
  prng: Prng;
}

/**
 * Picks who gets `call` in its queue: the available members that have the skills the call needs
 * now, in the lowest penalty tier, ordered by the queue's strategy. `ring-all` picks the whole tier,
 * `random` one of the tier drawn from the injected generator, the others the first in order.
 * Returns null when nobody is eligible. The explanation lists who else was eligible.
 */
export function selectOperators(input: SelectOperatorsInput): OperatorChoice | null {
  const { queue, call } = input;
  const requirements: SkillLevels = effectiveRequirements(queue, call, input.now);
  const candidates: Candidate[] = [];
  let unavailable = 0;
  let lacking = 0;
  for (const id of Object.keys(input.members)) {
    const op = input.operator(id);
    if (!op || op.state !== 'available') {
      unavailable++;
      continue;
    }
    if (!meetsRequirements(op.skills, requirements)) {
      lacking++;
      continue;
    }
    candidates.push({ id, penalty: input.members[id] as number, key: strategyKey(queue.strategy, op, input.rrLast), tie: strategyTie(queue.strategy, op) });
  }
  if (candidates.length === 0) return null;
  candidates.sort(compareCandidates);
  const tier = (candidates[0] as Candidate).penalty;
  let tierSize = 0;
  while (tierSize < candidates.length && (candidates[tierSize] as Candidate).penalty === tier) tierSize++;

  let picked: string[];
  if (queue.strategy === 'ring-all') {
    picked = candidates.slice(0, tierSize).map((c) => c.id);
  } else if (queue.strategy === 'random') {
    const index = Math.floor(input.prng.next() * tierSize);
    picked = [(candidates[index] as Candidate).id];
  } else {
    picked = [(candidates[0] as Candidate).id];
  }
  const eligible: EligibleOperator[] = candidates.slice(0, MAX_EXPLAINED).map((c) => ({ operatorId: c.id, penalty: c.penalty, key: c.key }));
  return {
    kind: 'operator-for-call',
    rule: queue.strategy,
    queueId: queue.id,
    callId: call.id,
    picked,
    tier,
    requirements,
    eligible,
    eligibleCount: candidates.length,
    unavailableCount: unavailable,
    lackingSkillsCount: lacking,
    summary: `${queue.strategy} picked ${picked.join(',')} of ${candidates.length} eligible in tier ${tier}`,
  };
}
