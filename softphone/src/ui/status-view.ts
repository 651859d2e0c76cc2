import type { OperatorState, SelectableStatus, StatusRequest } from '../api/contract';
import { byId } from './dom';

export interface StatusViewDelegate {
  onStatus?(request: StatusRequest): void;
}

const LABELS: Record<OperatorState['status'], string> = {
  offline: 'offline', available: 'available', paused: 'paused', reserved: 'reserved',
  ringing: 'ringing', 'on-call': 'on-call', 'wrap-up': 'wrap-up',
};

/** Status picker (available / paused with a reason / offline) and the current-status badge. */
export class StatusView {
  delegate: StatusViewDelegate | undefined;
  readonly select: HTMLSelectElement;
  private readonly reason: HTMLSelectElement;
  private readonly badge: HTMLElement;

  constructor(doc: Document) {
    this.select = byId(doc, 'status-select', HTMLSelectElement);
    this.reason = byId(doc, 'pause-reason', HTMLSelectElement);
    this.badge = byId(doc, 'operator-state', HTMLElement);
    this.select.addEventListener('change', () => this.emit());
    this.reason.addEventListener('change', () => {
      if (this.select.value === 'paused') this.emit();
    });
  }

  /** Shows the server's view; the picker follows when the status is one the operator picks. */
  setState(state: OperatorState): void {
    this.badge.textContent = LABELS[state.status];
    this.badge.title = state.reason ? `${LABELS[state.status]}: ${state.reason}` : LABELS[state.status];
    this.badge.dataset.status = state.status;
    if (state.status === 'available' || state.status === 'paused' || state.status === 'offline') {
      this.select.value = state.status;
      if (state.status === 'paused' && state.reason && [...this.reason.options].some((o) => o.value === state.reason)) {
        this.reason.value = state.reason;
      }
    }
  }

  setBusy(busy: boolean): void {
    this.select.setAttribute('aria-busy', String(busy));
  }

  private emit(): void {
    const status = this.select.value as SelectableStatus;
    this.delegate?.onStatus?.(status === 'paused' ? { status, reason: this.reason.value } : { status });
  }
}
