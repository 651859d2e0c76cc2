/**
 * Renders the console: queues, operators, live calls, and the actions panel. Tables are rebuilt
 * when the data changes; the clocks (time in state, waits, call durations) are cells with
 * `data-since` that `tick()` rewrites every second without touching anything else, so the action
 * selects keep what the supervisor picked.
 */
import { byId, setOptions } from '../ui/dom';
import { formatDuration } from '../ui/format';
import { longestWaitMs, type ConsoleState, type QueueRow } from './console-state';

export interface ConsoleViewDelegate {
  onMove(callId: string, queue: string): void;
  onAssign(callId: string, operatorId: string): void;
  onPriority(callId: string, priority: number): void;
  /** `label` says it for people: "Bob: Pause: Coaching". */
  onOperatorStatus(operatorId: string, value: string, label: string): void;
}

const percent = (v: number | null) => (v === null ? '–' : `${Math.round(v * 100)} %`);

export class ConsoleView {
  delegate: ConsoleViewDelegate | undefined;
  private readonly el;
  private pauseReasons: Array<{ id: string; label: string }> = [];

  constructor(private readonly doc: Document, private readonly now: () => number) {
    const get = <T extends HTMLElement>(id: string, type: { new (): T; prototype: T }) => byId(doc, id, type);
    this.el = {
      queues: get('queue-rows', HTMLTableSectionElement), operators: get('operator-rows', HTMLTableSectionElement), calls: get('call-rows', HTMLTableSectionElement),
      waitingCall: get('act-call', HTMLSelectElement), moveQueue: get('act-move-queue', HTMLSelectElement), move: get('act-move', HTMLButtonElement),
      assignTo: get('act-assign-operator', HTMLSelectElement), assign: get('act-assign', HTMLButtonElement),
      priority: get('act-priority', HTMLInputElement), setPriority: get('act-set-priority', HTMLButtonElement),
      operator: get('act-operator', HTMLSelectElement), status: get('act-status', HTMLSelectElement), applyStatus: get('act-apply-status', HTMLButtonElement),
      connection: get('connection', HTMLElement),
    };
    const { el } = this;
    el.move.addEventListener('click', () => el.waitingCall.value && el.moveQueue.value && this.delegate?.onMove(el.waitingCall.value, el.moveQueue.value));
    el.assign.addEventListener('click', () => el.waitingCall.value && el.assignTo.value && this.delegate?.onAssign(el.waitingCall.value, el.assignTo.value));
    el.setPriority.addEventListener('click', () => {
      const p = Number(el.priority.value);
      if (el.waitingCall.value && Number.isInteger(p) && p >= 0 && p <= 99) this.delegate?.onPriority(el.waitingCall.value, p);
      else el.priority.focus();
    });
    el.applyStatus.addEventListener('click', () => {
      if (!el.operator.value || !el.status.value) return;
      const name = (el.operator.selectedOptions[0]?.textContent ?? el.operator.value).replace(/ \(.*\)$/, '');
      this.delegate?.onOperatorStatus(el.operator.value, el.status.value, `${name}: ${el.status.selectedOptions[0]?.textContent ?? el.status.value}`);
    });
  }

  setPauseReasons(reasons: Array<{ id: string; label: string }>): void {
    this.pauseReasons = reasons;
    setOptions(this.el.status, [
      { value: 'available', label: 'Available' },
      ...reasons.map((r) => ({ value: `paused:${r.id}`, label: `Pause: ${r.label}` })),
      { value: 'offline', label: 'Sign out' },
    ], this.el.status.value);
  }

  get reasons(): ReadonlyArray<{ id: string; label: string }> {
    return this.pauseReasons;
  }

  /** live: receiving; reconnecting: what is shown may be stale; closed: the session ended. */
  setConnection(state: 'live' | 'reconnecting' | 'closed'): void {
    const text = { live: 'Live', reconnecting: 'Reconnecting… (figures may be stale)', closed: 'Disconnected: sign in again' }[state];
    this.el.connection.textContent = text;
    this.el.connection.dataset.state = state;
  }

  render(state: ConsoleState): void {
    const queues = state.sortedQueues();
    const operators = state.sortedOperators();
    this.el.queues.replaceChildren(...queues.map((q) => this.queueRow(q)));
    this.el.operators.replaceChildren(...operators.map((o) => {
      const call = o.call ? `${o.call.caller} (${o.call.queue}${o.call.held ? ', held' : ''}) ` : '';
      return this.row(`operator-${o.id}`, [
        [o.name],
        [o.state, `operator-state-${o.id}`],
        [o.reason ?? '', `operator-reason-${o.id}`],
        [{ since: o.since }],
        [call ? [call, { since: o.call!.since }] : '–', `operator-call-${o.id}`],
      ]);
    }));
    this.el.calls.replaceChildren(...state.sortedCalls().map((c) =>
      this.row(`call-${c.callId}`, [[c.caller], [c.queue], [c.held ? `${c.state} (held)` : c.state], [c.operatorId ? state.operators.get(c.operatorId)?.name ?? c.operatorId : '–'], [{ since: c.since }]])));
    const waiting = queues.flatMap((q) => q.waiting.map((w) => ({ value: w.callId, label: `${w.caller ?? w.callId} — ${q.id} #${w.position} (priority ${w.priority})` })));
    setOptions(this.el.waitingCall, waiting, this.el.waitingCall.value);
    setOptions(this.el.moveQueue, queues.map((q) => ({ value: q.id, label: q.id })), this.el.moveQueue.value);
    const ops = operators.map((o) => ({ value: o.id, label: `${o.name} (${o.state})` }));
    setOptions(this.el.assignTo, operators.filter((o) => o.state === 'available').map((o) => ({ value: o.id, label: o.name })), this.el.assignTo.value);
    setOptions(this.el.operator, ops, this.el.operator.value);
    for (const b of [this.el.move, this.el.assign, this.el.setPriority]) b.disabled = waiting.length === 0;
    this.tick();
  }

  /** Rewrites every clock cell; run every second. */
  tick(): void {
    const now = this.now();
    for (const cell of this.doc.querySelectorAll<HTMLElement>('[data-since]')) {
      const since = Number(cell.dataset.since);
      cell.textContent = Number.isFinite(since) ? formatDuration((now - since) / 1000) : '–';
    }
  }

  private queueRow(q: QueueRow): HTMLTableRowElement {
    const oldest = q.waiting.length ? Math.min(...q.waiting.map((w) => w.since)) : undefined;
    const sl = q.today.serviceLevel;
    const row = this.row(`queue-${q.id}`, [
      [q.id],
      [String(q.waiting.length), `queue-waiting-${q.id}`],
      [oldest === undefined ? '–' : { since: oldest }, `queue-longest-${q.id}`],
      [String(q.ringing)],
      [String(q.onCall)],
      [`${q.operators.available ?? 0} / ${q.operators.paused ?? 0}`],
      [`${percent(sl)} of ${percent(q.serviceLevelTarget)} in ${q.serviceLevelSeconds} s`, `queue-sl-${q.id}`],
      [`${q.today.answered} / ${q.today.abandoned}`],
    ]);
    if (sl !== null && sl < q.serviceLevelTarget) row.classList.add('below-target');
    if (longestWaitMs(q, this.now()) > q.serviceLevelSeconds * 1000) row.classList.add('waiting-long');
    return row;
  }

  private row(testId: string, cells: Array<[string | { since: number } | Array<string | { since: number }>, string?]>): HTMLTableRowElement {
    const tr = this.doc.createElement('tr');
    tr.dataset.testid = testId;
    for (const [content, cellId] of cells) {
      const td = this.doc.createElement('td');
      if (cellId) td.dataset.testid = cellId;
      for (const part of Array.isArray(content) ? content : [content]) {
        if (typeof part === 'string') td.append(part);
        else {
          const span = this.doc.createElement('span');
          span.className = 'clock';
          span.dataset.since = String(part.since);
          td.append(span);
        }
      }
      tr.append(td);
    }
    return tr;
  }
}
