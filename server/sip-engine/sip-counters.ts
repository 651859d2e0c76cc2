import type { AnySipMessage } from './message/message';

export type Direction = 'in' | 'out';

/** SIP messages the engine received and sent: requests by method, responses by status (first sends only). */
export class SipCounters {
  private readonly counts = { in: new Map<string, number>(), out: new Map<string, number>() };

  count(direction: Direction, msg: AnySipMessage): void {
    const key = msg.kind === 'request' ? `request:${msg.method}` : `response:${msg.status}`;
    const map = this.counts[direction];
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  /** `{ in: { 'request:INVITE': 3, 'response:200': 2 }, out: {…} }`, plain data for the worker boundary. */
  snapshot(): Record<Direction, Record<string, number>> {
    return { in: Object.fromEntries(this.counts.in), out: Object.fromEntries(this.counts.out) };
  }
}
