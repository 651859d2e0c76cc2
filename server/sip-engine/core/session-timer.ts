import type { Dialog } from '../dialog/dialog';
import type { Clock } from '../transaction/clock';

/** Session timers (RFC 4028) as drachtio-server runs them. */
export interface SessionTimerOptions {
  /** The smallest Session-Expires accepted, in seconds (Min-SE; RFC 4028 floor 90). A re-INVITE or UPDATE asking less gets 422. */
  minSE: number;
  /**
   * Who refreshes when a caller offers Session-Expires without `refresher` and the app's 2xx says
   * nothing: 'uac', 'uas', or 'none' (no session timer then — drachtio-server's default). A
   * caller that sends `Require: timer` gets 'uac' rather than none.
   */
  defaultRefresher: 'uac' | 'uas' | 'none';
}

export const DEFAULT_SESSION_TIMERS: SessionTimerOptions = { minSE: 90, defaultRefresher: 'none' };

export interface SessionExpires {
  /** delta-seconds */
  delta: number;
  refresher: 'uac' | 'uas' | undefined;
}

/** `Session-Expires: 1800;refresher=uac` (compact form x:). Undefined when absent or malformed. */
export function parseSessionExpires(value: string | undefined): SessionExpires | undefined {
  const m = /^\s*(\d{1,10})\s*((?:;[^;]*)*)$/.exec(value ?? '');
  if (!m) return undefined;
  const r = /;\s*refresher\s*=\s*(uac|uas)\b/i.exec(m[2] ?? '');
  return { delta: Number(m[1]), refresher: r ? (r[1]!.toLowerCase() as 'uac' | 'uas') : undefined };
}

/**
 * One timer per dialog. When we refresh, it fires halfway through the interval (with a little
 * jitter) and `refresh` sends a re-INVITE; when the peer refreshes, it fires at the interval and
 * `expire` ends the call with a BYE ("Session timer expired") — drachtio-server's behaviour.
 */
export class SessionTimers {
  private readonly handles = new Map<Dialog, unknown>();

  constructor(
    private readonly clock: Clock,
    private readonly refresh: (d: Dialog) => void,
    private readonly expire: (d: Dialog) => void,
  ) {}

  arm(d: Dialog, seconds: number, weRefresh: boolean): void {
    this.cancel(d);
    d.sessionExpires = seconds;
    d.weRefresh = weRefresh;
    const ms = seconds * 1000;
    const jitter = Math.min(5000, ms / 10);
    const delay = weRefresh ? ms / 2 + (Math.random() * 2 - 1) * jitter : ms;
    this.handles.set(d, this.clock.setTimeout(() => {
      this.handles.delete(d);
      if (d.weRefresh) this.refresh(d);
      else this.expire(d);
    }, Math.max(1, Math.round(delay))));
  }

  /** Stops the dialog's timer; returns whether we were the refresher. */
  cancel(d: Dialog): boolean {
    const h = this.handles.get(d);
    if (h !== undefined) {
      this.clock.clearTimeout(h);
      this.handles.delete(d);
    }
    const we = d.weRefresh === true;
    d.sessionExpires = undefined;
    d.weRefresh = undefined;
    return we;
  }

  has(d: Dialog): boolean {
    return this.handles.has(d);
  }

  clear(): void {
    for (const h of this.handles.values()) this.clock.clearTimeout(h);
    this.handles.clear();
  }
}
