import { RoutingEngine } from '../engine';
import type { AcdCommand, CallRecord, OperatorRecord, RoutingEvent, RoutingEventType } from '../types';

/** Drives a RoutingEngine with a fake clock, counted tokens and a fixed seed; for tests. */
export class EngineHarness {
  readonly engine = new RoutingEngine();
  now = 1_000_000;
  private counter = 0;
  readonly log: RoutingEvent[] = [];

  constructor(public seed = 12345) {}

  configure(config: unknown): this {
    this.engine.configure(config, this.now);
    return this;
  }

  exec(command: AcdCommand): RoutingEvent[] {
    const events = this.engine.execute(command, { now: this.now, tokenBase: `t${++this.counter}`, seed: this.seed });
    this.log.push(...events);
    return events;
  }

  /** Moves the clock and runs due timers. */
  advance(ms: number): RoutingEvent[] {
    this.now += ms;
    const events = this.engine.tick({ now: this.now, tokenBase: `t${++this.counter}`, seed: this.seed });
    this.log.push(...events);
    return events;
  }

  login(...ids: string[]): RoutingEvent[] {
    return ids.flatMap((operatorId) => this.exec({ kind: 'login', operatorId }));
  }

  enqueue(id: string, queueId: string, extra: { priority?: number; skills?: Record<string, number> } = {}): RoutingEvent[] {
    return this.exec({ kind: 'enqueue', call: { id, queueId, ...extra } });
  }

  op(id: string): OperatorRecord {
    const op = this.engine.view().operators.find((o) => o.id === id);
    if (!op) throw new Error(`no operator ${id}`);
    return op;
  }

  call(id: string): CallRecord | undefined {
    return this.engine.callRecord(id);
  }

  waiting(queueId: string): string[] {
    return this.engine.view({ queueIds: [queueId] }).queues[0]?.waiting ?? [];
  }

  /** The current offer of a call (its token and operators). */
  offerOf(callId: string): { token: string; operatorIds: string[] } {
    const call = this.call(callId);
    if (!call || call.state !== 'offered') throw new Error(`call ${callId} is not offered (${call?.state})`);
    return { token: call.token as string, operatorIds: call.operatorIds as string[] };
  }

  /** Answers the current offer of a call by `operatorId` (or its only operator). */
  answer(callId: string, operatorId?: string): RoutingEvent[] {
    const offer = this.offerOf(callId);
    return this.exec({ kind: 'answered', callId, operatorId: operatorId ?? (offer.operatorIds[0] as string), token: offer.token });
  }

  noAnswer(callId: string, operatorId?: string): RoutingEvent[] {
    const offer = this.offerOf(callId);
    return this.exec({ kind: 'no-answer', callId, operatorId: operatorId ?? (offer.operatorIds[0] as string), token: offer.token });
  }

  hangup(callId: string): RoutingEvent[] {
    return this.exec({ kind: 'hangup', callId });
  }
}

export function ofType<T extends RoutingEventType>(events: RoutingEvent[], type: T): Array<Extract<RoutingEvent, { type: T }>> {
  return events.filter((e): e is Extract<RoutingEvent, { type: T }> => e.type === type);
}

/** "callId→operatorIds" for each offer, in order. */
export function offers(events: RoutingEvent[]): string[] {
  return ofType(events, 'call-offered').map((e) => `${e.callId}→${e.operatorIds.join('+')}`);
}

export function queue(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, strategy: 'longest-idle', ...extra };
}

export function operator(id: string, queues: Array<string | { queue: string; penalty: number }>, skills: Record<string, number> = {}): Record<string, unknown> {
  return { id, skills, queues: queues.map((q) => (typeof q === 'string' ? { queue: q, penalty: 0 } : q)) };
}
