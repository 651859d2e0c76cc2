import type { CallRecord } from './types';

/**
 * The fairness rule: higher priority first, then the call that arrived first (arrival in routing,
 * kept across overflows), then the call id. It orders calls inside a queue and across the queues
 * of one operator, so the same two calls always compare the same way wherever they wait.
 */
export function compareCalls(a: Pick<CallRecord, 'priority' | 'arrivedAt' | 'id'>, b: Pick<CallRecord, 'priority' | 'arrivedAt' | 'id'>): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  if (a.arrivedAt !== b.arrivedAt) return a.arrivedAt - b.arrivedAt;
  return compareIds(a.id, b.id);
}

/** Byte-wise id order (ids are ASCII), the same order as Redis gives equal-score members. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Priorities run 0..99; a sorted-set score that orders like compareCalls (with the id as tie-break). */
export const PRIORITY_SCALE = 1e13;
export function callScore(call: Pick<CallRecord, 'priority' | 'arrivedAt'>): number {
  return (99 - call.priority) * PRIORITY_SCALE + call.arrivedAt;
}
