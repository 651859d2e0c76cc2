/**
 * The operator's desk around a call, end to end: Switchboard from dist/, alice's softphone page in
 * headless Chromium (browser language Finnish), SIPp as the trunk.
 * - Languages: the page starts in the browser's language; each of the five languages from the
 *   picker fills every catalogued text; the choice is remembered over a reload. Writes
 *   docs/softphone-<language>.png (the sign-in page) when missing or with UPDATE_SCREENSHOTS=1.
 * - Scripts: an admin replaces the support queue's script through the API (an operator may not);
 *   it shows while the call rings with {customer.name}, {caller} and {queue} filled in, and its
 *   hostile parts (raw HTML, a javascript: link, the rest) stay inert text.
 * - Alerts: while another tab is in front the call raises a desktop notification with the
 *   caller and queue, the tab title flashes and the ringtone plays on the ringer element; when it
 *   rings out a missed-call notice, a "Missed call" notification and a missed-calls list entry follow.
 * - Quality: once answered, the quality line reads the call's getStats() and says "good" (loopback).
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { CATALOGUES, LANGUAGES } from '../../softphone/src/i18n/translator';
import { answer, callIn, LONG, waitForMessage, waitForState } from './in-call-fixture';
import { useDeskRig } from './desk-rig';
import type { ServerProcess } from './server-process';

/** A caller with a full international number, so the admin can file a customer card for it. */
const CALLER = '+4930555123';
const PASSWORDS = { alice: 'alice-desk-2', boss: 'boss-desk-2' };
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
    ringTimeoutMs: 8000
    wrapUpMs: 60000
operators:
  - id: alice
    name: Alice
    sip: { username: alice, password: ${PASSWORDS.alice} }
    queues: [{ queue: support }]
  - id: boss
    name: Boss
    sip: { username: boss, password: ${PASSWORDS.boss} }
    queues: []
roles:
  admins: [boss]
desk:
  scripts:
    - queue: support
      markdown: "The configured script"
`;

const HOSTILE_SCRIPT = [
  '# Greeting',
  'Hello **{customer.name}**, you called {queue} from {caller}.',
  '',
  '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>',
  '',
  '- [Order page](javascript:window.__pwned=3)',
  '- [Help](https://help.example.com/orders)',
].join('\n');

interface Recorded {
  __played: string[];
  __notes: Array<{ title: string; body: string }>;
  __titles: string[];
  __pwned?: number;
}

async function request(server: ServerProcess, token: string, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}${pathname}`, {
    method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

const recorded = <K extends keyof Recorded>(page: Page, key: K) => page.evaluate((k) => (window as unknown as Recorded)[k], key);

describe('the operator desk: languages, call scripts, alerts, call quality', () => {
  const rig = useDeskRig('operator-desk');

  it('speaks five languages, shows the script safely, alerts in the background, lists the missed call, rates the call', async () => {
    const { server: srv, browser } = await rig.start({ config: CONFIG });

    const context = await browser.newContext({ viewport: { width: 1100, height: 1000 }, locale: 'fi-FI', permissions: ['notifications'] });
    await context.addInitScript(() => {
      const w = window as unknown as Recorded;
      w.__played = [];
      w.__notes = [];
      w.__titles = [];
      const play = HTMLMediaElement.prototype.play;
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        w.__played.push(this.id);
        return play.call(this);
      };
      const Original = window.Notification;
      const Recording = function (title: string, options?: NotificationOptions) {
        w.__notes.push({ title, body: options?.body ?? '' });
        return new Original(title, options);
      } as unknown as typeof Notification;
      Object.defineProperty(Recording, 'permission', { get: () => Original.permission });
      Recording.requestPermission = (cb?: NotificationPermissionCallback) => Original.requestPermission(cb);
      window.Notification = Recording;
      // every title the tab shows (the flashing alert)
      new MutationObserver(() => {
        if (w.__titles[w.__titles.length - 1] !== document.title) w.__titles.push(document.title);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(srv.url);

    // 1. languages: the browser's (Finnish) first; each one fills every catalogued text; English is remembered
    await page.locator('#login-heading').filter({ hasText: CATALOGUES.fi['login.heading'] }).waitFor({ timeout: LONG });
    expect(await page.locator('html').getAttribute('lang')).toBe('fi');
    for (const language of Object.keys(LANGUAGES) as Array<keyof typeof LANGUAGES>) {
      await page.getByTestId('language').selectOption(language);
      expect(await page.locator('html').getAttribute('lang')).toBe(language);
      const texts = await page.locator('[data-i18n]').evaluateAll((els) => els.map((el) => [(el as HTMLElement).dataset.i18n ?? '', el.textContent ?? '']));
      expect(texts.length).toBeGreaterThan(50);
      for (const [key, text] of texts) expect([key, text]).toEqual([key, CATALOGUES[language][key as keyof (typeof CATALOGUES)['en']]]);
      expect(await page.title()).toBe(CATALOGUES[language]['page.title']);
      const shot = path.join(__dirname, '../../docs', `softphone-${language}.png`);
      if (!existsSync(shot) || process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: shot });
    }
    await page.getByTestId('language').selectOption('en');
    await page.reload();
    await page.locator('#login-heading').filter({ hasText: 'Sign in' }).waitFor({ timeout: LONG });
    expect(await page.getByTestId('language').inputValue()).toBe('en');

    // 2. the admin replaces the script (an operator may not) and files the caller's customer card
    const [aliceToken, bossToken] = await Promise.all([srv.login('alice', PASSWORDS.alice), srv.login('boss', PASSWORDS.boss)]);
    expect((await request(srv, aliceToken, 'PUT', '/api/scripts/support', { markdown: 'mine now' })).status).toBe(403);
    expect((await request(srv, bossToken, 'PUT', '/api/scripts/nowhere', { markdown: 'x' })).status).toBe(404);
    expect((await request(srv, bossToken, 'PUT', '/api/scripts/support', { markdown: 'x'.repeat(12_001) })).status).toBe(400);
    expect(await request(srv, aliceToken, 'GET', '/api/scripts/support')).toEqual({ status: 200, body: { queue: 'support', markdown: 'The configured script' } });
    expect((await request(srv, bossToken, 'PUT', '/api/scripts/support', { markdown: HOSTILE_SCRIPT })).status).toBe(200);
    expect((await request(srv, bossToken, 'POST', '/api/customers', { name: 'Ada Lovelace', phones: [CALLER] })).status).toBe(201);

    // 3. alice signs in and goes available, then opens another tab
    await page.getByTestId('login-username').fill('alice');
    await page.getByTestId('login-password').fill(PASSWORDS.alice);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('sip-status').filter({ hasText: /^registered$/ }).waitFor({ timeout: LONG });
    await page.getByTestId('status-select').selectOption('available');
    await waitForState(page, 'available');
    // (headless Chromium keeps every tab "visible", so the page is not really backgrounded here: the
    // notification does not depend on the tab's visibility, and another tab is in front)
    const other = await context.newPage();
    await other.goto('about:blank');
    await other.bringToFront();

    // 4. the call rings while another tab is in front: notification, flashing title, ringtone, the script beside it
    const call = await callIn(srv, CALLER);
    rig.call = call;
    await page.getByTestId('incoming-call').waitFor({ timeout: LONG });
    try {
      await page.waitForFunction(() => (window as unknown as Recorded).__notes.some((n) => n.title === 'Incoming call'), undefined, { timeout: LONG });
    } catch (err) {
      const state = await page.evaluate(() => ({ notes: (window as unknown as Recorded).__notes, permission: Notification.permission }));
      throw new Error(`no incoming-call notification: ${JSON.stringify(state)}; page errors: ${problems.join(' | ')}`, { cause: err });
    }
    const incoming = (await recorded(page, '__notes')).find((n) => n.title === 'Incoming call');
    expect(incoming?.body).toMatch(new RegExp(`^\\${CALLER} — queue support, waited \\d+ s$`));
    expect(await recorded(page, '__played')).toContain('ringer-audio');
    await page.waitForFunction((caller) => {
      const titles = (window as unknown as Recorded).__titles;
      const i = titles.indexOf(`Incoming call: ${caller} — Switchboard softphone`);
      return i !== -1 && titles.slice(i + 1).includes('Switchboard softphone');
    }, CALLER, { timeout: LONG });
    const script = page.getByTestId('script-text');
    await script.locator('strong').filter({ hasText: 'Ada Lovelace' }).waitFor({ timeout: LONG });
    expect(await script.locator('h3').textContent()).toBe('Greeting');
    expect(await script.locator('p').first().textContent()).toBe(`Hello Ada Lovelace, you called support from ${CALLER}.`);
    expect(await script.textContent()).toContain('<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>');
    expect(await script.locator('img, script, [onerror]').count()).toBe(0);
    expect(await script.locator('a').evaluateAll((links) => links.map((a) => [(a as HTMLAnchorElement).href, a.getAttribute('rel')]))).toEqual([
      ['https://help.example.com/orders', 'noopener noreferrer'],
    ]);
    expect(await script.locator('li').first().textContent()).toBe('Order page');
    expect(await recorded(page, '__pwned')).toBeUndefined();

    // 5. it rings out: the notice, a "Missed call" notification, an entry in the shift's list; the script goes
    await page.bringToFront();
    await waitForMessage(page, /^Missed call — you are now paused: no answer\./);
    await waitForState(page, 'paused');
    const missed = page.getByTestId('missed-calls').locator('li');
    await missed.first().waitFor({ timeout: LONG });
    expect(await missed.count()).toBe(1);
    expect(await missed.first().textContent()).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d( [AP]M)? \\${CALLER} \\(support\\) — rang out$`));
    expect(await page.getByTestId('missed-none').isHidden()).toBe(true);
    expect((await recorded(page, '__notes')).find((n) => n.title === 'Missed call')?.body).toBe(`${CALLER} — queue support: rang out`);
    await page.getByTestId('script-panel').waitFor({ state: 'hidden', timeout: LONG });
    expect(await page.title()).toBe('Switchboard softphone');

    // 6. available again: the waiting call rings, alice answers; the quality line rates the call, the script stays to wrap-up
    await page.getByTestId('status-select').selectOption('available');
    await answer(page, 'support', CALLER);
    await page.getByTestId('script-text').locator('h3').waitFor({ timeout: LONG });
    const quality = page.getByTestId('call-quality');
    await page.locator('[data-testid="call-quality"][data-level="good"]').waitFor({ timeout: LONG });
    expect(await page.getByTestId('quality-level').textContent()).toBe('good');
    expect(Number(await quality.getAttribute('data-mos'))).toBeGreaterThanOrEqual(4);
    expect(await page.getByTestId('quality-details').textContent()).toMatch(/^MOS \d\.\d · round trip \d+ ms · jitter \d+ ms · loss \d+\.\d %$/);
    await page.keyboard.press('x');
    await page.getByTestId('wrapup-disposition').waitFor({ timeout: LONG });
    expect(await page.getByTestId('script-panel').isVisible()).toBe(true);
    expect(await quality.isHidden()).toBe(true);
    await page.getByTestId('wrapup-disposition').selectOption('resolved');
    await page.getByTestId('wrapup-submit').click();
    await page.getByTestId('script-panel').waitFor({ state: 'hidden', timeout: LONG });
    expect(await recorded(page, '__pwned')).toBeUndefined();
  }, 480_000);
});
