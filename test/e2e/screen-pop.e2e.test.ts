/**
 * Screen-pop as operators meet it: the real server (demo configuration, embedded records database)
 * knows a customer created through the API; SIPp as the trunk calls from the customer's number; the
 * softphone in headless Chromium shows the customer's card while the call rings. Alice answers,
 * hangs up and writes a note in wrap-up; the next call from the same number shows that note among
 * the card's last calls, and the card can be edited during the call.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchTestBrowser } from '../../media/testing/browser';
import { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { sineWav } from '../../media/testing/wav';
import { assertSippPassed, runSipp, type SippRun } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import { startServer, type ServerProcess } from './server-process';

const SCREENSHOT = path.join(__dirname, '../../docs/softphone-screen-pop.png');
const CALLER = '+4930555777';
const NOTE = 'Promised a callback on Monday about the invoice';
/** Generous: the machine running the tests may be loaded. */
const LONG = 30_000;

interface CardJson { customer: { id: string; name: string } | null; lastCalls: Array<{ notes?: string; disposition?: string }> }

async function api<T>(server: ServerProcess, token: string, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${pathname}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

describe('screen-pop: the customer card on a ringing call', () => {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let dir: string | undefined;
  let page: Page;
  let token: string;
  const media: RtpEndpoint[] = [];
  const calls: SippRun[] = [];
  afterAll(async () => {
    for (const c of calls) await c.stop();
    for (const m of media) await m.close();
    await browser?.close();
    await stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** SIPp calls number 100 from CALLER; its RTP endpoint answers the relay once music on hold arrives. */
  async function callIn(caller = CALLER): Promise<SippRun> {
    const rtp = await RtpEndpoint.open({ codec: 'PCMU' });
    media.push(rtp);
    const sipp = await runSipp({
      scenario: 'uac-trunk-media', remote: `127.0.0.1:${server!.sipPort}`, service: '100',
      keys: { rtp_port: rtp.port, caller }, recvTimeoutMs: 90_000, hardTimeoutMs: 120_000,
    });
    calls.push(sipp);
    await waitFor(() => rtp.receivedFrom().size > 0, 'music on hold at the trunk', LONG);
    const [host, port] = [...rtp.receivedFrom().keys()][0]!.split(':');
    rtp.useRemoteSdp(`v=0\r\no=- 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\n`);
    rtp.startSending(1000);
    return sipp;
  }

  /** Answers on the page, hangs up, and finishes wrap-up with the first disposition and `notes`. */
  async function answerHangUpWrapUp(sipp: SippRun, notes: string, name = 'Ada Lovelace'): Promise<void> {
    await page.getByTestId('answer').click();
    await page.getByTestId('hangup').waitFor({ timeout: LONG });
    await page.getByTestId('hangup').click();
    assertSippPassed(await sipp.done(), 1);
    await wrapUp(notes, name);
  }

  /** Wrap-up with the card still beside it: the first disposition and `notes`; then available again. */
  async function wrapUp(notes: string, name: string): Promise<void> {
    await page.getByTestId('wrapup-submit').waitFor({ timeout: LONG });
    await page.getByTestId('customer-name').filter({ hasText: name }).waitFor({ timeout: LONG });
    await page.getByTestId('wrapup-disposition').selectOption({ index: 1 });
    await page.getByTestId('wrapup-notes').fill(notes);
    await page.getByTestId('wrapup-submit').click();
    await page.getByTestId('operator-state').filter({ hasText: /^available$/ }).waitFor({ timeout: LONG });
    await page.getByTestId('customer-card').waitFor({ state: 'hidden', timeout: LONG });
  }

  it('shows the known caller, then the note written in wrap-up on the next call', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchboard-screen-pop-'));
    // the demo configuration with a wrap-up long enough for a loaded machine
    const config = path.join(dir, 'switchboard.yaml');
    writeFileSync(config, readFileSync(path.join(__dirname, '../../config/demo.yaml'), 'utf8').replace(/wrapUpMs: \d+/g, 'wrapUpMs: 120000'));
    const mic = path.join(dir, 'mic-440.wav');
    writeFileSync(mic, sineWav({ frequency: 440, sampleRate: 48000, seconds: 30, amplitude: 0.5 }));
    // bob is an admin here: the test's own look-ups read any card; alice on the page is an operator, who reads
    // and creates only the cards of calls offered to her
    [server, browser] = await Promise.all([
      startServer({ SWITCHBOARD_CONFIG: config, SWITCHBOARD__roles__admins: '["bob"]' }), launchTestBrowser({ fakeAudioFile: mic }),
    ]);
    const operatorToken = await server.login('alice', 'alice-demo');
    expect((await api(server, operatorToken, 'POST', '/api/customers', { name: 'Not yet', phones: [CALLER] })).status).toBe(403);
    token = await server.login('bob', 'bob-demo');
    const created = await api<{ id: string }>(server, token, 'POST', '/api/customers', {
      name: 'Ada Lovelace', company: 'Analytical Engines Ltd', phones: [CALLER], tags: ['vip', 'billing'], notes: 'Prefers <b>mornings</b>',
    });
    expect(created.status).toBe(201);

    page = await (await browser.newContext({ viewport: { width: 1100, height: 1000 } })).newPage();
    await page.goto(server.url);
    await page.getByTestId('login-username').fill('alice');
    await page.getByTestId('login-password').fill('alice-demo');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('sip-status').filter({ hasText: /^registered$/ }).waitFor({ timeout: LONG });
    await page.getByTestId('customer-card').waitFor({ state: 'hidden' });
    await page.getByTestId('status-select').selectOption('available');
    await page.getByTestId('operator-state').filter({ hasText: /^available$/ }).waitFor({ timeout: LONG });

    // (1) the first call from the customer's number: the ringing page shows the card
    const first = await callIn();
    await page.getByTestId('incoming-call').waitFor({ timeout: LONG });
    await page.getByTestId('customer-name').filter({ hasText: 'Ada Lovelace' }).waitFor({ timeout: LONG });
    expect(await page.getByTestId('answer').isVisible()).toBe(true);
    expect(await page.getByTestId('customer-company').textContent()).toBe('Analytical Engines Ltd');
    expect(await page.getByTestId('customer-tags').locator('li').allTextContents()).toEqual(['vip', 'billing']);
    // text, not markup
    expect(await page.getByTestId('customer-notes').textContent()).toBe('Prefers <b>mornings</b>');
    expect(await page.getByTestId('customer-notes').locator('b').count()).toBe(0);
    expect(await page.getByTestId('customer-new').isVisible()).toBe(false);
    await page.getByTestId('customer-no-calls').waitFor();

    // (2) answer, hang up, a note in wrap-up; the record store has it before the next call
    await answerHangUpWrapUp(first, NOTE);
    const lookup = `/api/customers/lookup?phone=${encodeURIComponent(CALLER)}`;
    await waitFor(async () => (await api<CardJson>(server!, token, 'GET', lookup)).body.lastCalls.some((c) => c.notes === NOTE), 'the wrap-up note in the records', LONG);

    const second = await callIn();
    await page.getByTestId('incoming-call').waitFor({ timeout: LONG });
    const lastCall = page.getByTestId('customer-call').filter({ hasText: NOTE });
    await lastCall.waitFor({ timeout: LONG });
    expect(await lastCall.textContent()).toMatch(/queue support · alice · \S+/);
    expect(await page.getByTestId('customer-call').count()).toBe(1);
    if (!existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // during the call the operator edits the card
    await page.getByTestId('answer').click();
    await page.getByTestId('hangup').waitFor({ timeout: LONG });
    await page.getByTestId('customer-edit').click();
    await page.getByTestId('customer-company-input').fill('Babbage & Lovelace');
    await page.getByTestId('customer-save').click();
    await page.getByTestId('customer-company').filter({ hasText: /^Babbage & Lovelace$/ }).waitFor({ timeout: LONG });
    const card = await api<CardJson & { customer: { company: string } }>(server, token, 'GET', lookup);
    expect(card.body.customer).toMatchObject({ id: created.body.id, company: 'Babbage & Lovelace' });
    await page.getByTestId('hangup').click();
    assertSippPassed(await second.done(), 1);
    await wrapUp('', 'Ada Lovelace');
  }, 240_000);

  it('offers a new caller\'s form during the call and creates the customer from it', async () => {
    const stranger = '+4930555888';
    const call = await callIn(stranger);
    await page.getByTestId('incoming-call').waitFor({ timeout: LONG });
    await page.getByTestId('customer-new').filter({ hasText: 'New caller' }).waitFor({ timeout: LONG });
    expect(await page.getByTestId('customer-name').isVisible()).toBe(false);
    await page.getByTestId('answer').click();
    await page.getByTestId('hangup').waitFor({ timeout: LONG });
    await page.getByTestId('customer-name-input').fill('Grace Hopper');
    await page.getByTestId('customer-company-input').fill('Navy');
    await page.getByTestId('customer-notes-input').fill('Asked about COBOL');
    await page.getByTestId('customer-save').click();
    await page.getByTestId('customer-name').filter({ hasText: /^Grace Hopper$/ }).waitFor({ timeout: LONG });
    expect(await page.getByTestId('customer-new').isVisible()).toBe(false);
    expect(await page.getByTestId('customer-notes').textContent()).toBe('Asked about COBOL');
    const card = await api<CardJson>(server!, token, 'GET', `/api/customers/lookup?phone=${encodeURIComponent(stranger)}`);
    expect(card.body.customer).toMatchObject({ name: 'Grace Hopper', company: 'Navy', phones: [stranger] });
    await page.getByTestId('hangup').click();
    assertSippPassed(await call.done(), 1);
    await wrapUp('', 'Grace Hopper');
  }, 120_000);
});
