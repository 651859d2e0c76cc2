import type { Acd, RoutingEvent } from '../routing';
import { CallSession, type CallSessionDeps, type LiveCallView } from './call-session';
import type { InboundCall } from './ports';

export type CallCenterDeps = Omit<CallSessionDeps, 'onEnded'> & {
  /** How often the routing core's timers run (max wait, offer expiry, wrap-up end). Default 1 s. */
  tickMs?: number;
};

/**
 * All live calls: takes each accepted inbound call into a CallSession and routes the routing
 * core's decisions (offers, withdrawals, forced endings) to the session of the call concerned.
 */
export class CallCenter {
  private readonly sessions = new Map<string, CallSession>();
  private readonly ticker: NodeJS.Timeout;
  private readonly onEvent: (ev: RoutingEvent) => void;
  private closed = false;

  constructor(private readonly deps: CallCenterDeps) {
    this.onEvent = (ev) => this.route(ev);
    deps.acd.on('event', this.onEvent);
    this.ticker = setInterval(() => void deps.acd.tick().catch((err) => deps.log.warn({ err }, 'routing tick failed')), deps.tickMs ?? 1000);
    this.ticker.unref();
  }

  get acd(): Acd {
    return this.deps.acd;
  }

  accept(call: InboundCall): CallSession {
    if (this.closed) {
      call.leg.refuse('no-route');
      throw new Error('the call center is closed');
    }
    const session = new CallSession(call, { ...this.deps, onEnded: (s) => this.sessions.delete(s.callId) });
    this.sessions.set(call.callId, session);
    void session.start().catch((err) => {
      this.deps.log.warn({ err, callId: call.callId }, 'call failed');
      session.hangUp();
    });
    return session;
  }

  live(): LiveCallView[] {
    return [...this.sessions.values()].map((s) => s.view()).filter((v): v is LiveCallView => v !== undefined);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Stops taking calls; hangs up the ones still running. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.ticker);
    this.deps.acd.off('event', this.onEvent);
    for (const s of this.sessions.values()) s.hangUp();
  }

  private route(ev: RoutingEvent): void {
    switch (ev.type) {
      case 'call-offered':
        void this.sessions.get(ev.callId)?.offer(ev);
        break;
      case 'offer-withdrawn':
        if (ev.reason !== 'answered-elsewhere') this.sessions.get(ev.callId)?.withdraw();
        break;
      case 'call-completed':
        if (ev.forced) this.sessions.get(ev.callId)?.hangUp();
        break;
      default:
        break;
    }
  }
}
