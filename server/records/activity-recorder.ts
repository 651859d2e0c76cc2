/**
 * Feeds operator activity from the routing core's `operator-state` events (sign-in, pauses with
 * their reasons, calls, wrap-up, sign-out) into an ActivitySink — normally the buffered writer.
 */
import type { RoutingEvent } from '../routing';
import type { RecordsLogger } from './logger';
import type { ActivitySink } from './record-store';

export type OperatorStateEvent = Extract<RoutingEvent, { type: 'operator-state' }>;

/** What emits `operator-state` events: the routing core's `Acd` is one. */
export interface OperatorStateSource {
  on(name: 'operator-state', listener: (ev: OperatorStateEvent) => void): unknown;
  off(name: 'operator-state', listener: (ev: OperatorStateEvent) => void): unknown;
}

/** Starts recording; answers a function that stops it. */
export function recordOperatorActivity(source: OperatorStateSource, sink: ActivitySink, instanceId: string, log: RecordsLogger): () => void {
  const listener = (ev: OperatorStateEvent) => {
    const activity = { operatorId: ev.operatorId, state: ev.to, at: ev.at, instanceId, ...(ev.reason !== undefined ? { reason: ev.reason } : {}) };
    sink.recordActivity(activity).catch((err: unknown) => {
      log.error({ err, operatorId: ev.operatorId, state: ev.to }, 'records: operator activity not recorded');
    });
  };
  source.on('operator-state', listener);
  return () => {
    source.off('operator-state', listener);
  };
}
