/**
 * Direct queues: each operator has a hidden queue of their own, with only them as a member. A call
 * transferred to a named operator is queued there, so the routing core reserves and rings that
 * operator exactly as for any queue call — the operator cannot be offered a second call meanwhile,
 * and ringing, no-answer and wrap-up follow the usual rules.
 */
import type { Config } from '../../config';
import type { RoutingConfig } from '../routing';

const PREFIX = 'direct@';

/** How long a transfer target's phone rings before the call returns to the transferring operator. */
export const DIRECT_RING_TIMEOUT_MS = 20_000;

export function directQueueId(operatorId: string): string {
  return `${PREFIX}${operatorId}`;
}

export function isDirectQueue(queueId: string): boolean {
  return queueId.startsWith(PREFIX);
}

/** The routing core's configuration: the configured queues and operators, plus a direct queue per operator. */
export function routingConfig(config: Pick<Config, 'queues' | 'operators'>): RoutingConfig {
  const queues = config.queues.map(({ announcement: _a, musicOnHold: _m, ...q }) => q);
  const wrapUpOf = (queueIds: string[]) => Math.max(0, ...queues.filter((q) => queueIds.includes(q.id)).map((q) => q.wrapUpMs));
  for (const op of config.operators) {
    queues.push({
      id: directQueueId(op.id), strategy: 'longest-idle', ringTimeoutMs: DIRECT_RING_TIMEOUT_MS,
      wrapUpMs: wrapUpOf(op.queues.map((m) => m.queue)), overflow: 'busy',
      // a missed transfer returns the call to the transferring operator; the target is not paused
      noAnswerPause: null,
      skills: [], relaxation: [], serviceLevelMs: 20_000, serviceLevelTarget: 0.8, defaultHandleMs: 180_000,
    });
  }
  const operators = config.operators.map(({ name: _n, sip: _s, ...o }) => ({
    ...o, queues: [...o.queues, { queue: directQueueId(o.id), penalty: 0 }],
  }));
  return { queues, operators };
}
