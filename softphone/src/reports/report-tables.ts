/**
 * The report tables: one row per queue and one per operator over the whole range. Every cell
 * shows a readable figure and keeps the raw number in `data-value` (seconds, percent, count).
 */
import type { QueueRow } from './report-contract';
import type { OperatorTableRow } from './report-series';
import { formatDuration, formatPercent, localDateTime } from './zoned-time';

type Cell = { col: string; text: string; value?: number | null };

function row(doc: Document, testId: string, key: string, cells: Cell[]): HTMLTableRowElement {
  const tr = doc.createElement('tr');
  tr.dataset.testid = testId;
  tr.dataset.key = key;
  cells.forEach((c, i) => {
    const td = doc.createElement(i === 0 ? 'th' : 'td');
    if (i === 0) td.scope = 'row';
    td.dataset.col = c.col;
    if (c.value !== undefined) td.dataset.value = c.value === null ? '' : String(c.value);
    td.textContent = c.text;
    tr.append(td);
  });
  return tr;
}

const count = (col: string, v: number): Cell => ({ col, text: v.toLocaleString('en-GB'), value: v });
const seconds = (col: string, v: number | null): Cell => ({ col, text: formatDuration(v), value: v });
const percent = (col: string, v: number | null): Cell => ({ col, text: formatPercent(v), value: v });

export function renderQueueTable(body: HTMLTableSectionElement, rows: readonly QueueRow[]): void {
  const doc = body.ownerDocument;
  body.replaceChildren(...[...rows].sort((a, b) => a.queue.localeCompare(b.queue)).map((r) => row(doc, 'queue-row', r.queue, [
    { col: 'queue', text: r.queue },
    count('offered', r.offered),
    count('answered', r.answered),
    count('abandoned', r.abandoned),
    count('shortAbandoned', r.shortAbandoned),
    percent('serviceLevelPercent', r.serviceLevelPercent),
    seconds('asaSeconds', r.asaSeconds),
    seconds('asaP90Seconds', r.asaP90Seconds),
    seconds('ahtSeconds', r.ahtSeconds),
    count('transfers', r.transfers),
    seconds('longestWaitSeconds', r.longestWaitSeconds),
  ])));
}

/** `break 15:00, lunch 30:00` (reasons sorted). */
export function pauseText(byReason: Record<string, number>): string {
  const parts = Object.keys(byReason).sort().map((k) => `${k} ${formatDuration(byReason[k] ?? 0)}`);
  return parts.length ? parts.join(', ') : '–';
}

export function renderOperatorTable(body: HTMLTableSectionElement, rows: readonly OperatorTableRow[], timeZone: string): void {
  const doc = body.ownerDocument;
  const at = (ms: number | null) => (ms === null ? '–' : localDateTime(ms, timeZone));
  body.replaceChildren(...rows.map((r) => row(doc, 'operator-row', r.operatorId, [
    { col: 'operator', text: r.operatorId },
    count('answered', r.answered),
    seconds('ahtSeconds', r.ahtSeconds),
    count('transfers', r.transfers),
    seconds('loginSeconds', r.loginSeconds),
    seconds('pausedSeconds', r.pausedSeconds),
    { col: 'pauseByReason', text: pauseText(r.pauseByReason) },
    percent('occupancyPercent', r.occupancyPercent),
    { col: 'firstSignIn', text: at(r.firstSignIn), value: r.firstSignIn },
    { col: 'lastSignOut', text: at(r.lastSignOut), value: r.lastSignOut },
  ])));
}
