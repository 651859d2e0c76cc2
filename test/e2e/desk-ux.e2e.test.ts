/**
 * What a new operator meets around calls, end to end: Switchboard from dist/ with a short ring
 * timeout and wrap-up, alice's softphone page in headless Chromium, SIPp as the trunk.
 * - An offer rings out: the page says "Missed call — you are now paused: no answer", chimes, and
 *   the server has her paused with reason `no-answer`.
 * - She goes available, the waiting call rings again, she answers and hangs up with X: the wrap-up
 *   countdown shows the server's time, Extend makes it grow until the configured total, then is
 *   greyed out; the wrap-up runs out with a disposition and notes typed but not sent — they are
 *   saved to the call record anyway, and the page says so.
 * - The pause menu lists the configured reasons; picking one, the server reports it; an unknown
 *   reason is refused with 400.
 */
import type { Page } from 'playwright-core';
import { waitFor } from '../support/processes';
import { answer, callIn, LONG, waitForMessage, waitForState } from './in-call-fixture';
import { useDeskRig } from './desk-rig';

const PASSWORD = 'alice-desk';
const CONFIG = `
trunks:
  - id: local
    allow: [127.0.0.1]
numbers:
  - number: "100"
    queue: support
queues:
  - id: support
    strategy: longest-idle
    ringTimeoutMs: 6000
    wrapUpMs: 20000
operators:
  - id: alice
    name: Alice
    sip: { username: alice, password: ${PASSWORD} }
    queues: [{ queue: support }]
desk:
  pauseReasons:
    - { id: coaching, label: Coaching }
    - { id: lunch, label: Lunch }
  wrapUp:
    extendSeconds: 10
    maxTotalSeconds: 35
`;

interface RecordJson {
  callId: string;
  operatorId?: string;
  disposition?: string;
  notes?: string;
}

const secondsLeft = async (page: Page) => Number(await page.getByTestId('wrapup-countdown').getAttribute('data-seconds'));

describe('the operator desk in the browser: missed calls, wrap-up countdown and Extend, pause reasons', () => {
  const rig = useDeskRig('desk');

  it('says what a missed call did, counts the wrap-up down, extends it up to the limit, keeps the notes, and pauses with configured reasons', async () => {
    const { server: srv, browser } = await rig.start({ config: CONFIG });

    const page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    // note which audio elements start playing (the missed-call chime is short)
    await page.addInitScript(() => {
      const played: string[] = [];
      (window as unknown as { __played: string[] }).__played = played;
      const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        played.push(this.id);
        return play.call(this);
      };
    });
    await page.goto(srv.url);
    await page.getByTestId('login-username').fill('alice');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('sip-status').filter({ hasText: /^registered$/ }).waitFor({ timeout: LONG });
    // freshly signed in: paused by the server with its own reason, shown as such
    await waitForState(page, 'paused');
    await page.getByTestId('operator-reason').filter({ hasText: '(just signed in)' }).waitFor({ timeout: LONG });
    // the pause menu is the configured one
    expect(await page.getByTestId('pause-reason').locator('option:not([disabled])').allTextContents()).toEqual(['Coaching', 'Lunch']);
    await page.getByTestId('status-select').selectOption('available');
    await waitForState(page, 'available');
    const token = await srv.login('alice', PASSWORD);
    const me = () => srv.api<{ state: { status: string; reason?: string } }>(token, '/api/operators/me');

    // 1. a call rings out: missed-call notice with the server's reason, a chime, paused
    const call = await callIn(srv);
    rig.call = call;
    await page.getByTestId('incoming-call').waitFor({ timeout: LONG });
    await waitForMessage(page, /^Missed call — you are now paused: no answer\./);
    await waitForState(page, 'paused');
    await page.getByTestId('incoming-call').waitFor({ state: 'hidden', timeout: LONG });
    expect(await page.getByTestId('operator-reason').textContent()).toBe('(no answer)');
    expect((await me()).state).toMatchObject({ status: 'paused', reason: 'no-answer' });
    await page.waitForFunction(() => (window as unknown as { __played: string[] }).__played.includes('test-audio'), undefined, { timeout: LONG });
    expect(await page.getByTestId('message').textContent()).not.toMatch(/hung up/);

    // 2. available again: the stale message goes, the waiting call rings again; answer, hang up with X
    await page.getByTestId('status-select').selectOption('available');
    await answer(page, 'support');
    expect(await page.getByTestId('message').isHidden()).toBe(true);
    await page.keyboard.press('x');
    await page.getByTestId('wrapup-disposition').waitFor({ timeout: LONG });
    await waitForState(page, 'wrap-up');

    // 3. the countdown is the server's 20 s; Extend adds 10 s, then the 35 s total cuts the next step short
    await page.getByTestId('wrapup-countdown').waitFor({ timeout: LONG });
    const first = await secondsLeft(page);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(20);
    await page.getByTestId('wrapup-extend').click();
    await waitForMessage(page, /^Wrap-up extended by 10 s\.$/);
    const extended = await secondsLeft(page);
    expect(extended).toBeGreaterThan(first + 5);
    expect(extended).toBeLessThanOrEqual(30);
    await page.getByTestId('wrapup-extend').click();
    await waitForMessage(page, /^Wrap-up extended by \d s; that is the longest it may last\.$/);
    expect(await page.getByTestId('wrapup-extend').getAttribute('aria-disabled')).toBe('true');
    const snapshot = await srv.api<{ state: { status: string; since: string; wrapUpEndsAt?: string } }>(token, '/api/operators/me');
    expect(Date.parse(snapshot.state.wrapUpEndsAt ?? '') - Date.parse(snapshot.state.since)).toBe(35_000);

    // 4. disposition and notes typed, never sent: the wrap-up runs out and they are saved anyway
    await page.getByTestId('wrapup-disposition').selectOption('callback');
    await page.getByTestId('wrapup-notes').fill('Call back after the invoice run');
    // the 35 s since hanging up may take longer than a usual wait on a loaded machine
    await page.getByTestId('message').filter({ hasText: /^Wrap-up time ran out; your disposition \(callback\) and notes were saved\.$/ }).waitFor({ timeout: 2 * LONG });
    await waitForState(page, 'available');
    await page.getByTestId('wrapup-disposition').waitFor({ state: 'hidden', timeout: LONG });
    await waitFor(async () => {
      const { calls } = await srv.api<{ calls: RecordJson[] }>(token, '/api/records/calls?limit=5');
      return calls.some((c) => c.operatorId === 'alice' && c.disposition === 'callback' && c.notes === 'Call back after the invoice run');
    }, 'the disposition and notes in the call record', LONG);

    // 5. a configured pause reason: the page sends its id, the server reports it, the badge shows its label
    await page.getByTestId('pause-reason').selectOption('coaching');
    await page.getByTestId('status-select').selectOption('paused');
    await waitForState(page, 'paused');
    await page.getByTestId('operator-reason').filter({ hasText: '(Coaching)' }).waitFor({ timeout: LONG });
    expect((await me()).state).toMatchObject({ status: 'paused', reason: 'coaching' });
    const refused = await fetch(`${srv.url}/api/operators/me/status`, {
      method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'paused', reason: 'Break' }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('invalid body: reason: expected one of coaching, lunch (got "Break")');
    expect((await me()).state).toMatchObject({ status: 'paused', reason: 'coaching' });
  }, 300_000);
});
