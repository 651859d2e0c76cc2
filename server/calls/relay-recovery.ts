/**
 * What happens to live calls when the media relay loses them (rtpengine killed and restarted, or an
 * external rtpengine restarted between two checks): once the relay answers again, each call is
 * moved to a new media session (Call.relayLost()); when the relay is not back within `timeoutMs`,
 * each call ends with outcome `media-lost`. Calls are never left connected in silence.
 */
import type { CallsLost, MediaRelay } from '../../media';

/** What recovery needs of a live call. */
export interface RecoverableCall {
  readonly phase: string;
  relayLost(): Promise<'restored' | 'lost'>;
  endMediaLost(why?: string): Promise<'lost'>;
}

export interface RelayRecoveryOptions {
  relay: Pick<MediaRelay, 'state' | 'on' | 'off'>;
  /** The live call whose media session has this id (the SIP Call-ID), if any. */
  callOf: (callId: string) => RecoverableCall | undefined;
  /** How long to wait for the relay to answer again before ending the calls it lost. */
  timeoutMs: number;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /** One call's fate, for metrics. */
  onResult?: (result: 'restored' | 'lost') => void;
}

/** The default of `media.recoveryTimeoutMs`: an embedded rtpengine restarts within a few seconds. */
export const DEFAULT_MEDIA_RECOVERY_TIMEOUT_MS = 15_000;

export class RelayRecovery {
  private closed = false;
  private readonly waiters = new Set<(up: boolean) => void>();
  private readonly onLost = (info: CallsLost): void => void this.recover(info);
  private readonly onUp = (): void => this.wake(true);

  constructor(private readonly o: RelayRecoveryOptions) {
    o.relay.on('calls-lost', this.onLost);
    o.relay.on('up', this.onUp);
  }

  /** Recovers the calls named (the relay's `calls-lost` event); resolves once each is restored or ended. */
  async recover(info: CallsLost): Promise<void> {
    // a call that is ending deletes its session itself: not a loss
    const calls = info.callIds.map((id) => this.o.callOf(id)).filter((c): c is RecoverableCall => c !== undefined && c.phase !== 'ended');
    if (calls.length === 0 || this.closed) return;
    this.o.log.warn({ calls: calls.length, reason: info.reason }, 'the media relay lost live calls');
    const up = await this.relayUp();
    const results = await Promise.all(calls.map(async (c) => {
      try {
        return up ? await c.relayLost() : await c.endMediaLost(`the media relay was not back within ${this.o.timeoutMs} ms`);
      } catch (err) {
        this.o.log.warn({ err }, 'recovering a call failed');
        return c.endMediaLost('recovery failed');
      }
    }));
    for (const r of results) this.o.onResult?.(r);
    const restored = results.filter((r) => r === 'restored').length;
    this.o.log.info({ restored, lost: results.length - restored }, 'media recovery done');
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.o.relay.off('calls-lost', this.onLost);
    this.o.relay.off('up', this.onUp);
    this.wake(false);
  }

  /** True once the relay answers (at once when it does now), false after `timeoutMs` or close(). */
  private relayUp(): Promise<boolean> {
    if (this.o.relay.state === 'up') return Promise.resolve(true);
    if (this.o.relay.state === 'closed' || this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (up: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(up);
      };
      const timer = setTimeout(() => done(false), this.o.timeoutMs);
      this.waiters.add(done);
    });
  }

  private wake(up: boolean): void {
    for (const w of [...this.waiters]) w(up);
  }
}
