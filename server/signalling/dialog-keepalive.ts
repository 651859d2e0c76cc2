/**
 * In-dialog OPTIONS probes (RFC 3261 §11; the "dialog ping" of RFC 4028's absence) for a leg whose
 * device may vanish without a BYE and without the engine telling us — a browser whose WebSocket closed
 * under a real drachtio-server. A probe the engine cannot deliver (no status, `410 Gone`, `503`), a
 * `408`, a `481` (the device no longer knows the dialog) or no answer within `timeoutMs` means the
 * device is gone: `onGone` runs once and probing stops. Any other answer keeps the dialog.
 */
import type Srf from 'drachtio-srf';
import { isTransportFailure } from './operator-dialer';

export interface DialogKeepAliveOptions {
  /** Time between two probes of one dialog. */
  intervalMs: number;
  /** A probe unanswered this long counts as failed. */
  timeoutMs: number;
}

/** Whether a final status to an in-dialog request says the device cannot be reached in this dialog. */
export function deviceGone(err: { status?: number }): boolean {
  return isTransportFailure(err) || err.status === 408 || err.status === 481;
}

/** Starts probing; returns a function that stops it. `onGone` gets the failed probe's status (none: no answer). */
export function keepDialogAlive(dialog: Srf.Dialog, o: DialogKeepAliveOptions, onGone: (status: number | undefined) => void): () => void {
  let stopped = false;
  let probing = false;
  const timer = setInterval(() => {
    if (stopped || probing) return;
    probing = true;
    let answered = false;
    const deadline = setTimeout(() => {
      if (answered || stopped) return;
      stop();
      onGone(undefined);
    }, o.timeoutMs);
    deadline.unref();
    // the typings want a whole SrfRequest; drachtio-srf takes { method, headers, body }
    (dialog.request as unknown as (r: object) => Promise<{ status: number }>)({ method: 'OPTIONS' }).then(
      (res) => res.status,
      (err: { status?: number }) => err?.status,
    ).then((status) => {
      answered = true;
      clearTimeout(deadline);
      probing = false;
      if (stopped) return;
      if (deviceGone({ status })) {
        stop();
        onGone(status);
      }
    });
  }, o.intervalMs);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return stop;
}
