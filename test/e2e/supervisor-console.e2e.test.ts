/**
 * The supervisor console against the real server (dist/, its own config), SIPp as the trunk and
 * the operators' softphone pages in headless Chromium:
 * - sam (supervisor of support and sales) sees the trunk's call waiting in support (nobody is
 *   available there), its caller in the live calls, and alice and bob paused after sign-in;
 * - he moves it to sales (bob's queue, bob paused: it waits there), forces alice available
 *   (her own page shows it; she is not in sales, so nothing rings), then gives the call to her:
 *   her page rings with it, she answers, and the console shows her on the call;
 * - he forces bob to pause with a reason: bob's page and the console both show it;
 * - every action is in the audit (the record database) with sam as its author;
 * - bob, an operator, is refused by the console page.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { answer, callIn, CALLER, LONG, waitForState } from './in-call-fixture';
import { useDeskRig } from './desk-rig';

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
    ringTimeoutMs: 30000
  - id: sales
    strategy: longest-idle
    ringTimeoutMs: 30000
operators:
  - id: alice
    name: Alice
    sip: { username: alice, password: alice-sup }
    queues: [{ queue: support }]
  - id: bob
    name: Bob
    sip: { username: bob, password: bob-sup }
    queues: [{ queue: sales }]
  - id: sam
    name: Sam
    sip: { username: sam, password: sam-sup }
    queues: [{ queue: support }, { queue: sales }]
roles:
  supervisors: [sam]
desk:
  pauseReasons:
    - { id: coaching, label: Coaching }
    - { id: lunch, label: Lunch }
`;

async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

const cell = (page: Page, testId: string, text: string | RegExp) => page.getByTestId(testId).filter({ hasText: text }).waitFor({ timeout: LONG });

describe('the supervisor console in the browser', () => {
  const rig = useDeskRig('console');

  it('shows a waiting call live, moves it, gives it to a named operator whose page rings, forces a pause; refuses an operator', async () => {
    const { server: srv, browser } = await rig.start({ config: CONFIG, env: { SWITCHBOARD_LOG_LEVEL: 'info' } });
    const open = async () => (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
    const [alice, bob, sam] = await Promise.all([open(), open(), open()]);

    // the operators sign in to their softphones: paused by the server until they pick a status
    await Promise.all([[alice, 'alice', 'alice-sup'], [bob, 'bob', 'bob-sup']].map(async ([page, user, pw]) => {
      await signIn(page as Page, srv.url, user as string, pw as string);
      await (page as Page).getByTestId('sip-status').filter({ hasText: /^registered$/ }).waitFor({ timeout: LONG });
      await waitForState(page as Page, 'paused');
    }));

    // the supervisor's console: live, both operators paused (just signed in)
    await signIn(sam, `${srv.url}/console/`, 'sam', 'sam-sup');
    await cell(sam, 'connection', 'Live');
    await cell(sam, 'operator-state-alice', /^paused$/);
    await cell(sam, 'operator-reason-bob', /^login$/);
    await cell(sam, 'queue-waiting-support', /^0$/);

    // a call comes in to support: nobody is available there, so it waits — the console shows it without a reload
    const call = await callIn(srv);
    rig.call = call;
    await cell(sam, 'queue-waiting-support', /^1$/);
    await sam.getByTestId('call-table').getByText(CALLER).waitFor({ timeout: LONG });
    await sam.getByTestId('act-call').locator('option', { hasText: CALLER }).waitFor({ state: 'attached', timeout: LONG });

    // move it to sales: bob is paused, so it waits there
    await sam.getByTestId('act-move-queue').selectOption('sales');
    await sam.getByTestId('act-move').click();
    await cell(sam, 'message', /^Moved the call to sales\.$/);
    await cell(sam, 'queue-waiting-sales', /^1$/);
    await cell(sam, 'queue-waiting-support', /^0$/);

    // force alice available: her own page shows it; she is not in sales, so nothing rings
    await sam.getByTestId('act-operator').selectOption('alice');
    await sam.getByTestId('act-status').selectOption('available');
    await sam.getByTestId('act-apply-status').click();
    await waitForState(alice, 'available');
    await cell(sam, 'operator-state-alice', /^available$/);
    await cell(sam, 'queue-waiting-sales', /^1$/);

    // give the waiting call to alice: her page rings with it, she answers; the console shows her on the call
    await sam.getByTestId('act-assign-operator').locator('option[value="alice"]').waitFor({ state: 'attached', timeout: LONG });
    await sam.getByTestId('act-assign-operator').selectOption('alice');
    await sam.getByTestId('act-assign').click();
    await answer(alice, 'sales');
    await cell(sam, 'operator-state-alice', /^on-call$/);
    await cell(sam, 'operator-call-alice', CALLER);
    await cell(sam, 'queue-waiting-sales', /^0$/);

    // force bob to pause for coaching: his page and the console show it
    await sam.getByTestId('act-operator').selectOption('bob');
    await sam.getByTestId('act-status').selectOption('paused:coaching');
    await sam.getByTestId('act-apply-status').click();
    await cell(sam, 'operator-reason-bob', /^coaching$/);
    await bob.getByTestId('operator-reason').filter({ hasText: /coaching/i }).waitFor({ timeout: LONG });
    await waitForState(bob, 'paused');

    // who did what is in the audit (the record database), newest first
    const samToken = await srv.login('sam', 'sam-sup');
    const { actions } = await srv.api<{ actions: Array<{ by: string; action: string; operatorId?: string; queue?: string; details: Record<string, unknown> }> }>(samToken, '/api/supervisor/actions');
    expect(actions.map((a) => [a.by, a.action, a.operatorId ?? a.queue, a.details])).toEqual([
      ['sam', 'operator-status', 'bob', { from: 'paused', status: 'paused', reason: 'coaching' }],
      ['sam', 'assign-call', 'alice', {}],
      ['sam', 'operator-status', 'alice', { from: 'paused', status: 'available' }],
      ['sam', 'move-call', 'support', { to: 'sales' }],
    ]);

    // an operator opening the console is told it is not for them
    const intruder = await open();
    await signIn(intruder, `${srv.url}/console/`, 'bob', 'bob-sup');
    await intruder.getByTestId('not-allowed').waitFor({ timeout: LONG });
    expect(await intruder.getByTestId('not-allowed-text').textContent()).toMatch(/for supervisors and admins/);
    expect(await intruder.getByTestId('workspace').isHidden()).toBe(true);

    const shot = path.join(__dirname, '../../docs/supervisor-console.png');
    if (!existsSync(shot) || process.env.UPDATE_SCREENSHOTS === '1') await sam.screenshot({ path: shot, fullPage: true });
    await alice.getByTestId('hangup').click();
  }, 420_000);
});
