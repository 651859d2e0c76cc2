import { randomUUID } from 'node:crypto';
import type { Acd, RoutingEvent } from '../routing';
import { Call, type CallDeps, type LiveCallView } from './call';
import type { InboundCall, OperatorCall } from './ports';

export type CallCenterDeps = Omit<CallDeps, 'onEnded' | 'route' | 'instanceId' | 'newId'> & {
  newId?: () => string;
  /** How often the routing core's timers run (max wait, offer expiry, wrap-up end). Default 1 s. */
  tickMs?: number;
  /** This instance's id, written in its call records (default: a random one). */
  instanceId?: string;
};

/** Visits remembered for `callIdOf` after their call ended. */
const MAX_REMEMBERED_VISITS = 10_000;

/**
 * All live calls: takes each accepted inbound call into a Call and routes the routing core's
 * decisions (offers, withdrawals, forced endings) to the call concerned. A call may have several
 * visits in the routing core (a transfer queues it again), each with its own routing id.
 */
export class CallCenter {
  private readonly calls = new Map<string, Call>();
  /** Routing id of a queue visit → its call. */
  private readonly visits = new Map<string, Call>();
  /** Routing id of a visit → SIP Call-ID, kept after the call (wrap-up dispositions come later). */
  private readonly visitCalls = new Map<string, string>();
  private readonly ticker: NodeJS.Timeout;
  private readonly onEvent: (ev: RoutingEvent) => void;
  private readonly instanceId: string;
  private closed = false;

  constructor(private readonly deps: CallCenterDeps) {
    this.instanceId = deps.instanceId ?? randomUUID();
    this.onEvent = (ev) => this.route(ev);
    deps.acd.on('event', this.onEvent);
    this.ticker = setInterval(() => void deps.acd.tick().catch((err) => deps.log.warn({ err }, 'routing tick failed')), deps.tickMs ?? 1000);
    this.ticker.unref();
  }

  get acd(): Acd {
    return this.deps.acd;
  }

  accept(inbound: InboundCall): Call {
    if (this.closed) {
      inbound.leg.refuse('no-route');
      throw new Error('the call center is closed');
    }
    const call = new Call(inbound, {
      ...this.deps,
      newId: this.deps.newId ?? randomUUID,
      instanceId: this.instanceId,
      route: (visitId, c) => {
        if (!c) return void this.visits.delete(visitId);
        this.visits.set(visitId, c);
        this.visitCalls.set(visitId, c.callId);
        if (this.visitCalls.size > MAX_REMEMBERED_VISITS) this.visitCalls.delete(this.visitCalls.keys().next().value as string);
      },
      onEnded: (c) => this.calls.delete(c.callId),
    });
    this.calls.set(inbound.callId, call);
    void call.start().catch((err) => {
      this.deps.log.warn({ err, callId: inbound.callId }, 'call failed');
      call.hangUp();
    });
    return call;
  }

  /** The live call with this SIP Call-ID (also its media session's id). */
  get(callId: string): Call | undefined {
    return this.calls.get(callId);
  }

  /** The SIP Call-ID of a routing visit (also after the call ended, for the most recent visits). */
  callIdOf(visitId: string): string | undefined {
    return this.visitCalls.get(visitId);
  }

  /**
   * A call placed by an operator's device: a consultation about the call they are talking on (named
   * by `X-Switchboard-Consult`, or else the one call they talk on). Anything else is refused: operators
   * do not place outside calls yet.
   */
  consult(opCall: OperatorCall): void {
    const call = (opCall.consultFor ? this.calls.get(opCall.consultFor) : undefined)
      ?? [...this.calls.values()].find((c) => c.view()?.operatorId === opCall.operatorId);
    if (!call) {
      opCall.leg.refuse('no-route');
      return;
    }
    void call.consult(opCall).catch((err) => this.deps.log.warn({ err, callId: call.callId }, 'consultation failed'));
  }

  /** The operator's consultation becomes a conference of the caller, the operator and the colleague. */
  async conference(operatorId: string): Promise<'ok' | 'not-talking' | 'no-consultation' | 'unavailable'> {
    const call = [...this.calls.values()].find((c) => c.view()?.operatorId === operatorId);
    return call ? call.conference(operatorId) : 'not-talking';
  }

  live(): LiveCallView[] {
    return [...this.calls.values()].map((c) => c.view()).filter((v): v is LiveCallView => v !== undefined);
  }

  get size(): number {
    return this.calls.size;
  }

  /** Stops taking calls; hangs up the ones still running. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    this.deps.acd.off('event', this.onEvent);
    for (const c of this.calls.values()) c.hangUp();
  }

  private route(ev: RoutingEvent): void {
    switch (ev.type) {
      case 'call-offered':
        void this.visits.get(ev.callId)?.offer(ev).catch((err) => this.deps.log.warn({ err, callId: ev.callId }, 'offer failed'));
        break;
      case 'offer-withdrawn':
        if (ev.reason !== 'answered-elsewhere') this.visits.get(ev.callId)?.withdraw(ev.callId);
        break;
      case 'call-completed':
        if (ev.forced) this.visits.get(ev.callId)?.hangUp();
        break;
      case 'call-moved':
        this.visits.get(ev.callId)?.movedTo(ev.callId, ev.toQueueId);
        break;
      default:
        break;
    }
  }
}
