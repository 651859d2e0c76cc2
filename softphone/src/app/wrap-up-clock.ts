import type { ExtendResult, OperatorState } from '../api/contract';
import type { WrapUpView } from '../ui/wrap-up-view';

export interface WrapUpClockOptions {
  view: Pick<WrapUpView, 'setTimeLeft'>;
  /** `POST /api/operators/me/wrap-up/extend`. */
  extend(): Promise<ExtendResult>;
  /** The server's state after an Extend (the page shows it everywhere). */
  onOperatorState(state: OperatorState): void;
  showMessage(text: string, kind?: 'error' | 'info'): void;
  now?: () => number;
  /** Countdown refresh period. Default 250 ms. */
  tickMs?: number;
}

/**
 * The wrap-up countdown and its Extend button. The deadline is the server's: each wrap-up state
 * carries the milliseconds left when it was sent, so the page's clock need not agree with the
 * server's. Extend asks the server; at its limit (ERR_WRAP_UP_LIMIT, or a step cut short) the
 * button is greyed out for the rest of this wrap-up.
 */
export class WrapUpClock {
  private readonly o: WrapUpClockOptions;
  private readonly now: () => number;
  private endsAt: number | undefined;
  private limitReached = false;
  private extending = false;
  private step: number | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(options: WrapUpClockOptions) {
    this.o = options;
    this.now = options.now ?? (() => Date.now());
  }

  /** Seconds left, or undefined outside a wrap-up with a known end. */
  get secondsLeft(): number | undefined {
    return this.endsAt === undefined ? undefined : Math.max(0, (this.endsAt - this.now()) / 1000);
  }

  /** What one Extend adds, from `GET /api/operators/me` (for the button's hint). */
  setStep(seconds: number | undefined): void {
    this.step = seconds;
  }

  /** A state from the server (event stream or an API answer). */
  state(state: OperatorState): void {
    if (state.status === 'wrap-up' && state.wrapUpLeftMs !== undefined) {
      if (this.endsAt === undefined) this.limitReached = false; // a new wrap-up
      this.endsAt = this.now() + state.wrapUpLeftMs;
      this.ticker ??= setInterval(() => this.render(), this.o.tickMs ?? 250);
      this.render();
    } else if (state.status !== 'wrap-up') {
      this.stop();
    }
  }

  async extend(): Promise<void> {
    if (this.extending || this.limitReached || this.endsAt === undefined) return;
    this.extending = true;
    this.render();
    try {
      const result = await this.o.extend();
      if (this.step !== undefined && result.extendedSeconds < this.step) this.limitReached = true;
      this.o.onOperatorState(result.state);
      this.o.showMessage(this.limitReached
        ? `Wrap-up extended by ${result.extendedSeconds} s; that is the longest it may last.`
        : `Wrap-up extended by ${result.extendedSeconds} s.`, 'info');
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_WRAP_UP_LIMIT') {
        this.limitReached = true;
        this.o.showMessage('Wrap-up cannot be extended any further: finish it now.', 'info');
      } else {
        this.o.showMessage(`Wrap-up not extended: ${(error as Error).message}`);
      }
    } finally {
      this.extending = false;
      this.render();
    }
  }

  /** Signing out or leaving wrap-up. Idempotent. */
  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.endsAt = undefined;
    this.o.view.setTimeLeft(undefined, false);
  }

  private render(): void {
    const left = this.secondsLeft;
    if (left === undefined) return;
    const hint = this.limitReached ? 'The wrap-up may not last longer.' : this.step !== undefined ? `Adds ${this.step} s` : '';
    this.o.view.setTimeLeft(left, !this.extending && !this.limitReached, hint);
  }
}
