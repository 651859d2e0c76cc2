/**
 * The supervisors' report page as they meet it: the real server (demo configuration, built dist/)
 * opens an embedded records database seeded beforehand with a synthetic day whose answers this
 * test computes itself. In headless Chromium (its clock in another time zone than the centre's)
 * the supervisor signs in, picks the day, sees both charts drawn and the table figures equal to the
 * computed ones; switching the interval asks the server again; the CSV button downloads the
 * report; the operator view lists login, pauses and shifts. An operator is told "not allowed".
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CallRecord, CallSegment, OperatorActivity } from '../../server/records/model';
import { openRecordStore } from '../../server/records/sql-record-store';
import { stopAll } from '../support/processes';
import { startServer, type ServerProcess } from './server-process';

const SCREENSHOT = path.join(__dirname, '../../docs/report-page.png');
const TZ = 'Europe/Berlin';
/** 2026-03-02 00:00 in Berlin. */
const DAY = Date.UTC(2026, 2, 1, 23, 0, 0);
const H = 3_600_000;
const SL_SECONDS = 20; // the demo queue's serviceLevelMs default
const SHORT = 5; // records.shortAbandonSeconds default
/** Generous: the machine running the tests may be loaded. */
const LONG = 30_000;

interface Seed { id: string; queue: string; at: number; outcome: 'answered' | 'abandoned' | 'overflow'; wait: number; talk?: number; hold?: number; wrapUp?: number; operatorId?: string; transfer?: boolean }

/** The day: support (the supervisor's queue) in three local hours, one call in another queue, one the evening before. */
const SEEDS: Seed[] = [
  { id: 'a1', queue: 'support', at: DAY + 9 * H + 60_000, outcome: 'answered', wait: 5, talk: 120, wrapUp: 30, operatorId: 'alice' },
  { id: 'a2', queue: 'support', at: DAY + 9 * H + 600_000, outcome: 'answered', wait: 15, talk: 60, wrapUp: 10, operatorId: 'bob' },
  { id: 'a3', queue: 'support', at: DAY + 9 * H + 1_200_000, outcome: 'answered', wait: 40, talk: 300, hold: 20, wrapUp: 20, operatorId: 'bob', transfer: true },
  { id: 'a4', queue: 'support', at: DAY + 9 * H + 1_800_000, outcome: 'abandoned', wait: 50 },
  { id: 'a5', queue: 'support', at: DAY + 9 * H + 2_400_000, outcome: 'abandoned', wait: 3 },
  { id: 'a6', queue: 'support', at: DAY + 10 * H + 300_000, outcome: 'answered', wait: 8, talk: 90, wrapUp: 15, operatorId: 'alice' },
  { id: 'a7', queue: 'support', at: DAY + 10 * H + 2_000_000, outcome: 'answered', wait: 25, talk: 200, wrapUp: 5, operatorId: 'alice' },
  { id: 'a8', queue: 'support', at: DAY + 10 * H + 3_000_000, outcome: 'abandoned', wait: 70 },
  { id: 'a9', queue: 'support', at: DAY + 11 * H + 600_000, outcome: 'answered', wait: 2, talk: 45, wrapUp: 0, operatorId: 'bob' },
  { id: 'a10', queue: 'support', at: DAY + 11 * H + 1_500_000, outcome: 'overflow', wait: 60 },
  { id: 'x1', queue: 'sales', at: DAY + 9 * H + 100_000, outcome: 'answered', wait: 1, talk: 30, wrapUp: 0, operatorId: 'carol' },
  { id: 'x2', queue: 'support', at: DAY - H / 2, outcome: 'answered', wait: 3, talk: 30, wrapUp: 0, operatorId: 'alice' },
];

/** Alice's and Bob's day as state changes (seconds after local midnight). */
const SHIFTS: Record<string, Array<[number, string, string?]>> = {
  alice: [[8 * 3600, 'paused', 'login'], [8 * 3600 + 300, 'available'], [9 * 3600, 'on-call'], [9 * 3600 + 600, 'wrap-up'], [9 * 3600 + 660, 'available'],
    [10 * 3600, 'paused', 'break'], [10 * 3600 + 900, 'available'], [12 * 3600, 'paused', 'lunch'], [12 * 3600 + 1800, 'available'], [16 * 3600, 'offline']],
  bob: [[7 * 3600 + 1800, 'available'], [11 * 3600, 'paused', 'break'], [11 * 3600 + 600, 'offline']],
};

function record(s: Seed): CallRecord {
  const segments: CallSegment[] = [{ seq: 1, kind: 'queued', startedAt: s.at, endedAt: s.at + s.wait * 1000, queue: s.queue }];
  const base = { callId: `report-${s.id}`, direction: 'inbound' as const, queue: s.queue, trunkId: 'local', caller: `+4930200${s.id}`, number: '100', instanceId: 'seed', outcome: s.outcome, arrivedAt: s.at, waitSeconds: s.wait };
  if (s.outcome !== 'answered') return { ...base, endedAt: s.at + s.wait * 1000, talkSeconds: 0, holdSeconds: 0, segments };
  const answeredAt = s.at + s.wait * 1000;
  const endedAt = answeredAt + (s.talk as number) * 1000;
  segments.push({ seq: 2, kind: 'answered', startedAt: answeredAt, endedAt, queue: s.queue, operatorId: s.operatorId });
  if (s.hold) segments.push({ seq: 3, kind: 'held', startedAt: answeredAt + 1000, endedAt: answeredAt + 1000 + s.hold * 1000, operatorId: s.operatorId });
  if (s.transfer) segments.push({ seq: 4, kind: 'transferred', startedAt: endedAt - 1000, endedAt, operatorId: s.operatorId, target: 'queue:sales', result: 'completed' });
  segments.push({ seq: 5, kind: 'wrap-up', startedAt: endedAt, endedAt: endedAt + (s.wrapUp ?? 0) * 1000, operatorId: s.operatorId });
  return { ...base, operatorId: s.operatorId, answeredAt, endedAt, talkSeconds: s.talk as number, holdSeconds: s.hold ?? 0, segments };
}

/** The support queue's figures over the day, computed here (nearest-rank p90), never by the SQL. */
function expectedSupport(seeds: Seed[]) {
  const calls = seeds.filter((s) => s.queue === 'support' && s.at >= DAY && s.at < DAY + 24 * H);
  const answered = calls.filter((s) => s.outcome === 'answered');
  const short = calls.filter((s) => s.outcome === 'abandoned' && s.wait < SHORT);
  const waits = answered.map((s) => s.wait).sort((a, b) => a - b);
  return {
    offered: calls.length,
    answered: answered.length,
    abandoned: calls.filter((s) => s.outcome === 'abandoned').length - short.length,
    shortAbandoned: short.length,
    serviceLevelPercent: (100 * answered.filter((s) => s.wait <= SL_SECONDS).length) / (calls.length - short.length),
    asaSeconds: waits.reduce((a, b) => a + b, 0) / waits.length,
    asaP90Seconds: waits[Math.ceil((waits.length * 9) / 10) - 1] as number,
    ahtSeconds: answered.reduce((a, s) => a + (s.talk as number) + (s.wrapUp ?? 0), 0) / answered.length,
    transfers: calls.filter((s) => s.transfer).length,
    longestWaitSeconds: Math.max(...calls.map((s) => s.wait)),
  };
}

const mmss = (s: number) => `${Math.floor(Math.round(s) / 60)}:${String(Math.round(s) % 60).padStart(2, '0')}`;

async function seed(dir: string): Promise<void> {
  const store = await openRecordStore({ dir });
  try {
    await store.saveCalls(SEEDS.map(record));
    for (const [operatorId, changes] of Object.entries(SHIFTS)) {
      for (const [s, state, reason] of changes) {
        const a: OperatorActivity = { operatorId, state, at: DAY + s * 1000, instanceId: 'seed' };
        if (reason) a.reason = reason;
        await store.recordActivity(a);
      }
    }
  } finally {
    await store.close();
  }
}

/** Pixels of the chart's canvas in (about) this colour: the series was drawn. */
async function pixelsOf(page: Page, testId: string, rgb: [number, number, number]): Promise<number> {
  return page.getByTestId(testId).locator('canvas').evaluate((canvas: HTMLCanvasElement, [r, g, b]) => {
    const data = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if ((data[i + 3] as number) > 200 && Math.abs((data[i] as number) - r) < 24 && Math.abs((data[i + 1] as number) - g) < 24 && Math.abs((data[i + 2] as number) - b) < 24) n++;
    }
    return n;
  }, rgb);
}

const cell = (page: Page, table: 'queue-row' | 'operator-row', key: string, col: string) =>
  page.locator(`[data-testid="${table}"][data-key="${key}"] [data-col="${col}"]`);

describe('report page for supervisors', () => {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let dir: string | undefined;
  const refused: string[] = [];
  afterAll(async () => {
    await browser?.close();
    await stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function openPage(): Promise<Page> {
    // the browser's clock in New York, the centre in Berlin: the page takes the centre's zone from the answers
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'America/New_York', acceptDownloads: true });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') refused.push(m.text());
    });
    page.on('pageerror', (e) => refused.push(String(e)));
    await page.goto(`${server!.url}/reports/`);
    return page;
  }

  async function signIn(page: Page, user: string, password: string): Promise<void> {
    await page.getByTestId('login-username').fill(user);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
  }

  /** Waits for the page to show the answer to the latest query. */
  async function shown(page: Page, interval: string, view = 'queues'): Promise<void> {
    await page.locator(`#workspace[data-state="ready"][data-interval="${interval}"][data-view="${view}"]`).waitFor({ timeout: LONG });
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchboard-report-page-'));
    const records = path.join(dir, 'records');
    // the database exists (migrated, seeded) before the server opens it
    await seed(records);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'], timeout: LONG });
    server = await startServer(
      { SWITCHBOARD_RECORDS_DIR: records, SWITCHBOARD__roles__supervisors: '["alice"]', SWITCHBOARD__records__timeZone: TZ },
      { startTimeoutMs: 120_000 },
    );
  }, 300_000);

  it('shows the seeded day in charts and tables, re-queries per interval and downloads CSV', async () => {
    const page = await openPage();
    await signIn(page, 'alice', 'alice-demo');
    await shown(page, 'hour');
    await page.getByTestId('report-from').fill('2026-03-02');
    await page.getByTestId('report-to').fill('2026-03-02');
    const asked = page.waitForRequest((r) => r.url().includes('/api/reports/queues') && r.url().includes('interval=hour'));
    await page.getByTestId('report-show').click();
    // the day begins at Berlin's midnight, not New York's
    expect(new URL((await asked).url()).searchParams.get('from')).toBe(new Date(DAY).toISOString());
    await page.getByTestId('report-summary').filter({ hasText: '2026-03-02' }).waitFor({ timeout: LONG });
    await shown(page, 'hour');
    expect(await page.getByTestId('report-summary').textContent()).toContain(`times in ${TZ}`);

    // the table: one row, the supervisor's queue, every figure as computed here
    const exp = expectedSupport(SEEDS);
    expect(await page.getByTestId('queue-row').count()).toBe(1);
    const text = (col: string) => cell(page, 'queue-row', 'support', col).textContent();
    const value = async (col: string) => Number(await cell(page, 'queue-row', 'support', col).getAttribute('data-value'));
    for (const col of ['offered', 'answered', 'abandoned', 'shortAbandoned', 'transfers'] as const) {
      expect([col, await text(col)]).toEqual([col, String(exp[col])]);
    }
    expect(await value('serviceLevelPercent')).toBeCloseTo(exp.serviceLevelPercent, 2);
    expect(await text('serviceLevelPercent')).toBe(`${exp.serviceLevelPercent.toFixed(1)} %`);
    expect(await value('asaSeconds')).toBeCloseTo(exp.asaSeconds, 2);
    expect(await text('asaSeconds')).toBe(mmss(exp.asaSeconds));
    expect(await text('asaP90Seconds')).toBe(mmss(exp.asaP90Seconds));
    expect(await value('ahtSeconds')).toBeCloseTo(exp.ahtSeconds, 2);
    expect(await text('ahtSeconds')).toBe(mmss(exp.ahtSeconds));
    expect(await text('longestWaitSeconds')).toBe(mmss(exp.longestWaitSeconds));

    // both charts drawn: the offered bars / answered line, and the service-level line
    expect(await page.getByTestId('chart-volume').locator('canvas').count()).toBe(1);
    expect(await pixelsOf(page, 'chart-volume', [0x1f, 0x5f, 0xa8])).toBeGreaterThan(20);
    expect(await pixelsOf(page, 'chart-volume', [0x2e, 0x7d, 0x32])).toBeGreaterThan(10);
    expect(await pixelsOf(page, 'chart-service', [0x6a, 0x1b, 0x9a])).toBeGreaterThan(10);
    expect(await page.getByTestId('chart-volume').getAttribute('aria-label')).toBe('Offered, answered and abandoned calls per hour');
    if (!existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // another interval: asked again, drawn again, same totals
    const again = page.waitForResponse((r) => r.url().includes('/api/reports/queues') && r.url().includes('interval=15m') && r.status() === 200);
    await page.getByTestId('report-interval').selectOption('15m');
    await again;
    await shown(page, '15m');
    expect(await page.getByTestId('chart-volume').getAttribute('aria-label')).toBe('Offered, answered and abandoned calls per 15 minutes');
    expect(await pixelsOf(page, 'chart-volume', [0x1f, 0x5f, 0xa8])).toBeGreaterThan(10);
    expect(await text('offered')).toBe(String(exp.offered));

    // CSV of what is shown: one line per 15 minutes that had calls
    const download = page.waitForEvent('download', { timeout: LONG });
    await page.getByTestId('csv-download').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('queue-report-2026-03-02-2026-03-02-15m.csv');
    const lines = readFileSync(await file.path(), 'utf8').trim().split(/\r?\n/);
    const header = (lines[0] as string).split(',');
    expect(header.slice(0, 4)).toEqual(['bucket', 'bucketLabel', 'queue', 'offered']);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.every((r) => r[2] === 'support')).toBe(true);
    expect(rows.reduce((a, r) => a + Number(r[3]), 0)).toBe(exp.offered);
    const quarters = new Set(SEEDS.filter((s) => s.queue === 'support' && s.at >= DAY).map((s) => Math.floor((s.at - DAY) / 900_000)));
    expect(rows).toHaveLength(quarters.size);

    // the operator view: login time, pauses by reason, first sign-in and last sign-out in Berlin time
    await page.getByTestId('view-operators').check();
    await shown(page, '15m', 'operators');
    const op = (id: string, col: string) => cell(page, 'operator-row', id, col).textContent();
    expect(await page.getByTestId('operator-row').evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.key))).toEqual(['alice', 'bob']);
    for (const id of ['alice', 'bob']) {
      const mine = SEEDS.filter((s) => s.operatorId === id && s.at >= DAY);
      expect(await op(id, 'answered')).toBe(String(mine.length));
      expect(await op(id, 'transfers')).toBe(String(mine.filter((s) => s.transfer).length));
    }
    expect(await op('alice', 'loginSeconds')).toBe('8:00:00');
    expect(await op('alice', 'pausedSeconds')).toBe('50:00');
    expect(await op('alice', 'pauseByReason')).toBe('break 15:00, login 5:00, lunch 30:00');
    expect(await op('alice', 'occupancyPercent')).toBe(`${((100 * 660) / (8 * 3600 - 3000)).toFixed(1)} %`);
    expect(await op('alice', 'firstSignIn')).toBe('2026-03-02 08:00');
    expect(await op('alice', 'lastSignOut')).toBe('2026-03-02 16:00');
    expect(await op('bob', 'loginSeconds')).toBe('3:40:00');
    expect(await op('bob', 'pauseByReason')).toBe('break 10:00');
    expect(await op('bob', 'lastSignOut')).toBe('2026-03-02 11:10');
    expect(await pixelsOf(page, 'chart-service', [0x1f, 0x5f, 0xa8])).toBeGreaterThan(10);

    // a phone-sized window: the charts follow their containers, the page does not scroll sideways
    await page.setViewportSize({ width: 390, height: 800 });
    await page.waitForFunction(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="chart-volume"] canvas');
      return canvas !== null && canvas.getBoundingClientRect().width <= window.innerWidth - 16;
    }, undefined, { timeout: LONG });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // nothing refused by the Content-Security-Policy, no script errors
    expect(refused).toEqual([]);
  }, 180_000);

  it('tells an operator that reports are not for them', async () => {
    const page = await openPage();
    await signIn(page, 'bob', 'bob-demo');
    const notice = page.getByTestId('not-allowed');
    await notice.waitFor({ timeout: LONG });
    expect(await notice.textContent()).toMatch(/reports are for supervisors and admins/i);
    expect(await page.locator('#workspace').isHidden()).toBe(true);
    expect(await page.locator('[data-testid="queue-row"]').count()).toBe(0);
    // the 403 answers are the expected ones; nothing else went wrong
    expect(refused.filter((m) => !/403/.test(m))).toEqual([]);
  }, 60_000);
});
