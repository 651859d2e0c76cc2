/**
 * The supervisors' report page: sign in (the softphone's form and API client), pick a date range,
 * an interval and a view, and read charts per interval and tables over the range. Operators are
 * told they are not allowed (the report API answers them 403). Dates are days in the centre's time
 * zone, which every report answer names; the first answer corrects the browser's guess.
 */
import type { ApiClient } from '../api/api-client';
import { ApiError } from '../api/contract';
import { byId, setOptions } from '../ui/dom';
import { LoginView } from '../ui/login-view';
import type { ReportClient, ReportKind, ReportParams } from './report-client';
import { INTERVALS, type ChartInterval } from './report-contract';
import { ReportChart, type ChartSeries } from './report-chart';
import { bucketStarts, operatorSeries, operatorTable, queueSeries } from './report-series';
import { renderOperatorTable, renderQueueTable } from './report-tables';
import { addDays, daysBetween, isDate, localDate, zonedMidnight } from './zoned-time';

/** The longest range one query may cover (days). */
export const MAX_RANGE_DAYS = 92;

export type ReportView = 'queues' | 'operators';

export interface ReportsPageOptions {
  doc: Document;
  api: ApiClient;
  reports: ReportClient;
  now: () => number;
  /** Saves `text` as a file (a blob link in the browser). */
  download: (fileName: string, text: string, type: string) => void;
}

const INTERVAL_NAMES: Record<ChartInterval, string> = { '15m': '15 minutes', hour: 'hour', day: 'day' };
const COLORS = { offered: '#1f5fa8', answered: '#2e7d32', abandoned: '#c62828', serviceLevel: '#6a1b9a', asa: '#b45309' };
const OPERATOR_COLORS = ['#1f5fa8', '#2e7d32', '#c62828', '#6a1b9a', '#b45309', '#00838f', '#5d4037', '#ad1457'];

interface Selection {
  fromDate: string;
  toDate: string;
  interval: ChartInterval;
  view: ReportView;
  queue: string;
}

export class ReportsPage {
  private readonly doc: Document;
  private readonly login: LoginView;
  private readonly el: Record<string, HTMLElement>;
  private readonly charts: [ReportChart, ReportChart];
  private timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  private queues = new Set<string>();
  private serial = 0;
  private signedIn = false;

  constructor(private readonly options: ReportsPageOptions) {
    const doc = (this.doc = options.doc);
    this.login = new LoginView(doc);
    this.login.delegate = { onLogin: (u, p) => void this.signIn(u, p) };
    const get = <T extends HTMLElement>(id: string, type: { new (): T; prototype: T }) => byId(doc, id, type);
    this.el = {
      message: get('message', HTMLElement), operator: get('operator-name', HTMLElement), logout: get('logout', HTMLButtonElement),
      notAllowed: get('not-allowed', HTMLElement), notAllowedText: get('not-allowed-text', HTMLElement), workspace: get('workspace', HTMLElement),
      form: get('report-controls', HTMLFormElement), from: get('report-from', HTMLInputElement), to: get('report-to', HTMLInputElement),
      interval: get('report-interval', HTMLSelectElement), queue: get('report-queue', HTMLSelectElement), csv: get('csv-download', HTMLButtonElement),
      summary: get('report-summary', HTMLElement), chartATitle: get('chart-a-title', HTMLElement), chartBTitle: get('chart-b-title', HTMLElement),
      queuePanel: get('queue-table-panel', HTMLElement), operatorPanel: get('operator-table-panel', HTMLElement),
      queueRows: get('queue-rows', HTMLTableSectionElement), operatorRows: get('operator-rows', HTMLTableSectionElement),
      queueEmpty: get('queue-empty', HTMLElement), operatorEmpty: get('operator-empty', HTMLElement),
    };
    this.charts = [new ReportChart(get('chart-a', HTMLElement)), new ReportChart(get('chart-b', HTMLElement))];
    this.el.form!.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.refresh();
    });
    for (const id of ['interval', 'queue'] as const) this.el[id]!.addEventListener('change', () => void this.refresh());
    for (const radio of doc.querySelectorAll<HTMLInputElement>('input[name="view"]')) radio.addEventListener('change', () => void this.refresh());
    this.el.csv!.addEventListener('click', () => void this.downloadCsv());
    this.el.logout!.addEventListener('click', () => void this.signOut());
  }

  start(): void {
    this.login.show();
  }

  /** Ends the server session when the page goes away (the token lives only in this page). */
  leave(): void {
    if (!this.signedIn) return;
    this.signedIn = false;
    this.options.reports.logout(true).catch((err: unknown) => console.warn('report page: sign-out on leaving failed', err));
  }

  private async signIn(username: string, password: string): Promise<void> {
    this.login.setBusy(true);
    this.showMessage('');
    try {
      const result = await this.options.api.login(username, password, { routing: false }); // reading reports takes no calls
      this.signedIn = true;
      this.login.hide();
      this.el.operator!.textContent = result.operator.name;
      this.el.logout!.hidden = false;
      const today = localDate(this.options.now(), this.timeZone);
      const from = this.el.from as HTMLInputElement;
      const to = this.el.to as HTMLInputElement;
      if (!from.value) from.value = today;
      if (!to.value) to.value = today;
      this.el.workspace!.hidden = false;
      await this.refresh();
    } catch (err) {
      this.login.setBusy(false);
      this.showMessage(err instanceof ApiError && err.code === 'ERR_BAD_CREDENTIALS' ? 'Wrong username or password.' : describe(err));
    }
  }

  private async signOut(): Promise<void> {
    this.signedIn = false;
    this.serial++;
    try {
      await this.options.reports.logout();
    } catch (err) {
      console.warn('report page: sign-out failed', err);
    }
    this.options.api.logout();
    for (const el of [this.el.workspace, this.el.notAllowed, this.el.logout]) el!.hidden = true;
    this.el.operator!.textContent = '';
    this.showMessage('');
    this.login.show();
  }

  private selection(): Selection | undefined {
    const fromDate = (this.el.from as HTMLInputElement).value;
    const toDate = (this.el.to as HTMLInputElement).value;
    if (!isDate(fromDate) || !isDate(toDate)) return this.invalid('Pick both dates of the range.');
    if (daysBetween(fromDate, toDate) < 0) return this.invalid('The range ends before it starts.');
    if (daysBetween(fromDate, toDate) >= MAX_RANGE_DAYS) return this.invalid(`Pick a range of at most ${MAX_RANGE_DAYS} days.`);
    const interval = (this.el.interval as HTMLSelectElement).value as ChartInterval;
    if (!INTERVALS.includes(interval)) return this.invalid('Pick an interval.');
    const view = this.doc.querySelector<HTMLInputElement>('input[name="view"]:checked')?.value === 'operators' ? 'operators' : 'queues';
    return { fromDate, toDate, interval, view, queue: (this.el.queue as HTMLSelectElement).value };
  }

  private invalid(message: string): undefined {
    this.showMessage(message);
    return undefined;
  }

  private params(s: Selection, interval: ReportParams['interval']): ReportParams {
    return {
      from: zonedMidnight(s.fromDate, this.timeZone), to: zonedMidnight(addDays(s.toDate, 1), this.timeZone), interval,
      ...(s.queue ? { queue: s.queue } : {}),
    };
  }

  /** Queries the reports for the controls' selection and draws them; a newer query wins. */
  private async refresh(): Promise<void> {
    const s = this.selection();
    if (!s) return;
    const serial = ++this.serial;
    const ws = this.el.workspace!;
    ws.dataset.state = 'loading';
    ws.setAttribute('aria-busy', 'true');
    this.showMessage('');
    try {
      const zoneBefore = this.timeZone;
      const drawn = s.view === 'queues' ? await this.loadQueues(s, serial) : await this.loadOperators(s, serial);
      if (!drawn) return;
      if (this.timeZone !== zoneBefore) {
        // the centre's time zone differs from the browser's: ask again for its days
        await this.refresh();
        return;
      }
      ws.dataset.state = 'ready';
      ws.dataset.interval = s.interval;
      ws.dataset.view = s.view;
      ws.removeAttribute('aria-busy');
      this.el.summary!.textContent = `${s.fromDate === s.toDate ? s.fromDate : `${s.fromDate} to ${s.toDate}`}, per ${INTERVAL_NAMES[s.interval]}, ` +
        `${s.queue ? `queue ${s.queue}` : 'all your queues'}; times in ${this.timeZone}.`;
    } catch (err) {
      if (serial !== this.serial) return;
      ws.dataset.state = 'failed';
      ws.removeAttribute('aria-busy');
      if (err instanceof ApiError && err.status === 403) return this.notAllowed(err);
      this.showMessage(describe(err));
    }
  }

  /** Answers false when a newer query started meanwhile (nothing drawn). */
  private async loadQueues(s: Selection, serial: number): Promise<boolean> {
    const [range, perInterval] = await Promise.all([
      this.options.reports.queues(this.params(s, 'range')), this.options.reports.queues(this.params(s, s.interval)),
    ]);
    if (serial !== this.serial) return false;
    if (this.adoptZone(range.timeZone)) return true;
    this.rememberQueues(range.rows.map((r) => r.queue));
    this.showPanels('queues');
    renderQueueTable(this.el.queueRows as HTMLTableSectionElement, range.rows);
    this.el.queueEmpty!.hidden = range.rows.length > 0;
    const q = queueSeries(perInterval.rows, bucketStarts(s.fromDate, s.toDate, s.interval, this.timeZone));
    const per = INTERVAL_NAMES[s.interval];
    this.draw(0, `Offered, answered and abandoned calls per ${per}`, q.x, [
      { label: 'Offered', scale: 'count', color: COLORS.offered, bars: true, values: q.offered },
      { label: 'Answered', scale: 'count', color: COLORS.answered, values: q.answered },
      { label: 'Abandoned', scale: 'count', color: COLORS.abandoned, values: q.abandoned },
    ], { count: 'calls' }, s.interval === 'day');
    this.draw(1, `Service level and average speed of answer per ${per}`, q.x, [
      { label: 'Service level', scale: 'percent', color: COLORS.serviceLevel, values: q.serviceLevel },
      { label: 'ASA', scale: 'seconds', color: COLORS.asa, values: q.asa },
    ], { percent: 'service level %', seconds: 'ASA (s)' }, s.interval === 'day');
    return true;
  }

  private async loadOperators(s: Selection, serial: number): Promise<boolean> {
    const [range, perInterval, shifts] = await Promise.all([
      this.options.reports.operators(this.params(s, 'range')), this.options.reports.operators(this.params(s, s.interval)),
      this.options.reports.shifts(this.params(s, 'range')),
    ]);
    if (serial !== this.serial) return false;
    if (this.adoptZone(range.timeZone)) return true;
    this.showPanels('operators');
    const rows = operatorTable(range.rows, shifts.rows);
    renderOperatorTable(this.el.operatorRows as HTMLTableSectionElement, rows, this.timeZone);
    this.el.operatorEmpty!.hidden = rows.length > 0;
    const o = operatorSeries(perInterval.rows, bucketStarts(s.fromDate, s.toDate, s.interval, this.timeZone));
    const per = INTERVAL_NAMES[s.interval];
    const color = (i: number) => OPERATOR_COLORS[i % OPERATOR_COLORS.length] as string;
    this.draw(0, `Answered calls per operator per ${per}`, o.x,
      o.operators.map((id, i) => ({ label: id, scale: 'count', color: color(i), values: o.answered[i] as number[] })), { count: 'calls' }, s.interval === 'day');
    this.draw(1, `Occupancy per operator per ${per}`, o.x,
      o.operators.map((id, i) => ({ label: id, scale: 'percent', color: color(i), values: o.occupancy[i] as Array<number | null> })), { percent: 'occupancy %' }, s.interval === 'day');
    return true;
  }

  /** Takes the centre's time zone from an answer; true when it changed (the query is asked again). */
  private adoptZone(timeZone: string): boolean {
    if (timeZone === this.timeZone) return false;
    // "today" as the browser guessed it becomes the centre's today
    const now = this.options.now();
    const guessed = localDate(now, this.timeZone);
    for (const input of [this.el.from, this.el.to] as HTMLInputElement[]) if (input.value === guessed) input.value = localDate(now, timeZone);
    this.timeZone = timeZone;
    return true;
  }

  private draw(i: 0 | 1, label: string, x: number[], series: ChartSeries[], axisLabels: Partial<Record<ChartSeries['scale'], string>>, daily: boolean): void {
    (i === 0 ? this.el.chartATitle : this.el.chartBTitle)!.textContent = label;
    this.charts[i].render({ label, x, series, timeZone: this.timeZone, axisLabels, daily });
  }

  private showPanels(view: ReportView): void {
    this.el.queuePanel!.hidden = view !== 'queues';
    this.el.operatorPanel!.hidden = view !== 'operators';
  }

  /** Keeps every queue seen so far in the queue picker. */
  private rememberQueues(ids: string[]): void {
    const before = this.queues.size;
    for (const id of ids) this.queues.add(id);
    if (this.queues.size === before) return;
    const select = this.el.queue as HTMLSelectElement;
    setOptions(select, [{ value: '', label: 'All my queues' }, ...[...this.queues].sort().map((q) => ({ value: q, label: q }))], select.value);
  }

  private async downloadCsv(): Promise<void> {
    const s = this.selection();
    if (!s) return;
    const kind: ReportKind = s.view;
    try {
      const csv = await this.options.reports.csv(kind, this.params(s, s.interval));
      const name = `${kind === 'queues' ? 'queue' : 'operator'}-report-${s.fromDate}-${s.toDate}-${s.interval}.csv`;
      this.options.download(name, csv, 'text/csv');
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) return this.notAllowed(err);
      this.showMessage(describe(err));
    }
  }

  private notAllowed(err: ApiError): void {
    this.el.workspace!.hidden = true;
    this.el.notAllowed!.hidden = false;
    this.el.notAllowedText!.textContent = `Signed in as ${this.el.operator!.textContent ?? ''}: reports are for supervisors and admins ` +
      `(the server says: ${err.message}). Ask an admin for the supervisor role, or open the softphone.`;
  }

  private showMessage(text: string): void {
    this.el.message!.textContent = text;
    this.el.message!.hidden = text === '';
  }
}

function describe(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? `${err.message}.` : `The server refused: ${err.message} (${err.code}).`;
  return err instanceof Error ? err.message : String(err);
}
