import type { SipResponse } from '../message/message';
import type { Clock, TimerValues } from '../transaction/clock';
import type { Endpoint } from '../transport/types';

/** Sends a response on its INVITE server transaction; returns what to re-send and where, or undefined when it could not be sent. */
export type Transmit = (res: SipResponse) => { bytes: Buffer; dest: Endpoint } | undefined;

/**
 * The UAS half of RFC 3262 for one INVITE: each reliable provisional response gets the next RSeq
 * and is re-sent at T1, 2*T1, 4*T1… until a PRACK acknowledges it; one is in flight at a time and
 * the next waits for the PRACK of the one before (§3). With no PRACK after 64*T1 `onTimeout` runs
 * (the INVITE is then rejected with a 5xx).
 */
export class UasReliableProvisionals {
  private nextRSeq = 1 + Math.floor(Math.random() * 2 ** 30);
  private unacked: { rseq: number; handles: unknown[] } | undefined;
  private readonly queue: Array<{ res: SipResponse; transmit: Transmit }> = [];
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerValues,
    private readonly resend: (bytes: Buffer, dest: Endpoint) => void,
    private readonly onTimeout: () => void,
  ) {}

  /** Stamps the next RSeq on `res`, so the app sees it in the echo of what was sent. */
  stamp(res: SipResponse): number {
    const rseq = this.nextRSeq++;
    res.set('RSeq', String(rseq));
    return rseq;
  }

  /** Sends a stamped response now, or after the PRACK of the one in flight. */
  send(res: SipResponse, transmit: Transmit): void {
    if (this.unacked) this.queue.push({ res, transmit });
    else this.start(Number(res.get('rseq')), res, transmit);
  }

  /** A PRACK's RAck: true when it acknowledges the response in flight (which then stops being re-sent). */
  acknowledge(rseq: number): boolean {
    if (!this.unacked || this.unacked.rseq !== rseq) return false;
    this.clearHandles();
    this.unacked = undefined;
    const next = this.queue.shift();
    if (next) this.start(Number(next.res.get('rseq')), next.res, next.transmit);
    return true;
  }

  get pending(): boolean {
    return this.unacked !== undefined;
  }

  /** The INVITE got its final response (or went away): nothing more is sent. */
  stop(): void {
    this.stopped = true;
    this.clearHandles();
    this.unacked = undefined;
    this.queue.length = 0;
  }

  private start(rseq: number, res: SipResponse, transmit: Transmit): void {
    if (this.stopped) return;
    const sent = transmit(res);
    if (!sent) return;
    const { T1 } = this.timers;
    const unacked = { rseq, handles: [] as unknown[] };
    this.unacked = unacked;
    const again = (interval: number) => {
      unacked.handles[0] = this.clock.setTimeout(() => {
        if (this.unacked !== unacked) return;
        this.resend(sent.bytes, sent.dest);
        again(interval * 2);
      }, interval);
    };
    again(T1);
    unacked.handles[1] = this.clock.setTimeout(() => {
      if (this.unacked !== unacked) return;
      this.stop();
      this.onTimeout();
    }, 64 * T1);
  }

  private clearHandles(): void {
    for (const h of this.unacked?.handles ?? []) if (h !== undefined) this.clock.clearTimeout(h);
  }
}

/** The RSeq number of a provisional response, or undefined when it was not sent reliably. */
export function rseqOf(res: SipResponse): number | undefined {
  const v = res.get('rseq');
  if (v === undefined || !/^\d{1,10}$/.test(v.trim())) return undefined;
  return Number(v);
}

/** RAck of a PRACK (RFC 3262 §7.2): `response-num CSeq-num Method`. */
export function parseRAck(value: string | undefined): { rseq: number; cseq: number; method: string } | undefined {
  const m = /^\s*(\d{1,10})\s+(\d{1,10})\s+(\S+)\s*$/.exec(value ?? '');
  return m ? { rseq: Number(m[1]), cseq: Number(m[2]), method: m[3]! } : undefined;
}

/** Whether an option tag (e.g. 100rel, timer) is in a message's Supported or Require header. */
export function hasOption(msg: { getAll(name: string): string[] }, tag: string, headers: string[] = ['supported', 'require']): boolean {
  return headers.some((h) => msg.getAll(h).some((o) => o.trim().toLowerCase() === tag));
}
