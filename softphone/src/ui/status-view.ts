import type { OperatorState, PauseReason, SelectableStatus, StatusRequest } from '../api/contract';
import { i18n } from '../i18n/translator';
import { byId, setOptions } from './dom';
import { pauseReasonLabel } from './pause-reasons';

export interface StatusViewDelegate {
  onStatus?(request: StatusRequest): void;
}

const label = (status: OperatorState['status']) => i18n.t(`state.${status}`);

/**
 * Status picker (available / paused with a reason / offline), the current-status badge and the
 * server's pause reason beside it. The reasons come from the server (`desk.pauseReasons`); a
 * reason the server set by itself (`login`, `no-answer`) is shown but cannot be picked.
 */
export class StatusView {
  delegate: StatusViewDelegate | undefined;
  readonly select: HTMLSelectElement;
  private readonly reason: HTMLSelectElement;
  private readonly badge: HTMLElement;
  private readonly reasonText: HTMLElement;
  private reasons: readonly PauseReason[] = [];
  private last: OperatorState | undefined;

  constructor(doc: Document) {
    this.select = byId(doc, 'status-select', HTMLSelectElement);
    this.reason = byId(doc, 'pause-reason', HTMLSelectElement);
    this.badge = byId(doc, 'operator-state', HTMLElement);
    this.reasonText = byId(doc, 'operator-reason', HTMLElement);
    this.select.addEventListener('change', () => this.emit());
    this.reason.addEventListener('change', () => {
      if (this.select.value === 'paused') this.emit();
    });
    this.setPauseReasons([]);
    i18n.onChange(() => this.last && this.setState(this.last));
  }

  /** The reasons the server takes; without any, pausing is not offered. */
  setPauseReasons(reasons: readonly PauseReason[]): void {
    this.reasons = reasons;
    setOptions(this.reason, reasons.map((r) => ({ value: r.id, label: r.label })));
    this.reason.disabled = reasons.length === 0;
    const paused = [...this.select.options].find((o) => o.value === 'paused');
    if (paused) paused.disabled = reasons.length === 0;
  }

  /** How a reason reads on the page. */
  labelOf(reason: string): string {
    return pauseReasonLabel(reason, this.reasons);
  }

  /** Shows the server's view; the picker follows when the status is one the operator picks. */
  setState(state: OperatorState): void {
    this.last = state;
    const reason = state.status === 'paused' && state.reason ? this.labelOf(state.reason) : undefined;
    this.badge.textContent = label(state.status);
    this.badge.title = reason ? `${label(state.status)}: ${reason}` : label(state.status);
    this.badge.dataset.status = state.status;
    this.reasonText.hidden = reason === undefined;
    this.reasonText.textContent = reason ? `(${reason})` : '';
    this.reasonText.dataset.reason = state.status === 'paused' ? (state.reason ?? '') : '';
    if (state.status === 'available' || state.status === 'paused' || state.status === 'offline') {
      this.select.value = state.status;
      this.showReason(state.status === 'paused' ? state.reason : undefined);
    }
  }

  setBusy(busy: boolean): void {
    this.select.setAttribute('aria-busy', String(busy));
  }

  /** Selects the server's reason: a configured one as is, one of its own as a shown-only option. */
  private showReason(reason: string | undefined): void {
    for (const o of [...this.reason.options]) if (o.dataset.server === 'true') o.remove();
    if (reason === undefined) return;
    if (!this.reasons.some((r) => r.id === reason)) {
      const option = this.reason.ownerDocument.createElement('option');
      option.value = reason;
      option.textContent = `${this.labelOf(reason)} (set by the server)`;
      option.disabled = true;
      option.dataset.server = 'true';
      this.reason.prepend(option);
    }
    this.reason.value = reason;
  }

  private emit(): void {
    const status = this.select.value as SelectableStatus;
    if (status !== 'paused') {
      this.delegate?.onStatus?.({ status });
      return;
    }
    // a shown-only server reason cannot be sent back: the first configured one is
    const picked = this.reasons.some((r) => r.id === this.reason.value) ? this.reason.value : this.reasons[0]?.id;
    if (picked === undefined) return;
    this.reason.value = picked;
    this.delegate?.onStatus?.({ status, reason: picked });
  }
}
