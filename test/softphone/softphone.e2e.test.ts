import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { sineWav } from '../../media/testing/wav';
import { PageServer } from './page-server';
import { SipCaller } from './sip-caller';
import { SipRelay } from './sip-relay';

const ROOT = resolve(__dirname, '../..');
const SCREENSHOT = join(ROOT, 'docs/softphone-login.png');
const OPERATOR = {
  username: 'alice', password: 'correct horse', name: 'Alice Example', sipPassword: 'sip-secret', dispositions: ['sale', 'no-sale', 'callback'],
  pauseReasons: [{ id: 'break', label: 'Break' }, { id: 'lunch', label: 'Lunch' }],
};

/** Test-only instrumentation: records getUserMedia constraints, peer connections and notifications. */
const INSTRUMENT = () => {
  const t = { gum: [] as unknown[], pcs: [] as RTCPeerConnection[], notifications: [] as Array<{ title: string; body?: string }> };
  (window as unknown as { __test: typeof t }).__test = t;
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (c) => {
    t.gum.push(JSON.parse(JSON.stringify(c ?? {})));
    return gum(c);
  };
  const PC = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends PC {
    constructor(config?: RTCConfiguration) {
      super(config);
      t.pcs.push(this);
    }
  };
  const N = window.Notification;
  window.Notification = class extends N {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      t.notifications.push({ title, body: options?.body });
    }
  };
};

type Instrumented = { __test: { gum: Array<{ audio?: { deviceId?: { exact?: string } } }>; pcs: RTCPeerConnection[]; notifications: Array<{ title: string; body?: string }> } };

describe('softphone page in headless Chromium', () => {
  let dir: string;
  let server: PageServer;
  let relay: SipRelay;
  let browser: Browser;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchboard-softphone-'));
    const mic = join(dir, 'mic-440.wav');
    await writeFile(mic, sineWav({ frequency: 440, sampleRate: 48000, seconds: 5, amplitude: 0.5 }));
    const out = join(dir, 'dist');
    // the real build script, into a private directory (no clash with softphone/dist)
    const [, srv, rly, brw] = await Promise.all([
      promisify(execFile)(process.execPath, [join(ROOT, 'softphone/build.mjs'), '--outdir', out], { cwd: ROOT }),
      PageServer.start(out, OPERATOR),
      SipRelay.start({ [OPERATOR.username]: OPERATOR.sipPassword }),
      chromium.launch({
        executablePath: '/usr/bin/chromium',
        headless: true,
        timeout: 30000,
        args: [
          '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
          '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream', '--allow-loopback-in-peer-connection', `--use-file-for-fake-audio-capture=${mic}`,
        ],
      }),
    ]);
    [server, relay, browser] = [srv, rly, brw];
    server.wsServer = relay.url;
  });

  afterAll(async () => {
    await browser?.close();
    await relay?.close();
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Polls a Node-side condition (no fixed sleeps). */
  async function until(condition: () => boolean, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${condition.toString()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async function openPage(): Promise<{ context: BrowserContext; page: Page; errors: Error[] }> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 860 } });
    await context.grantPermissions(['microphone', 'notifications'], { origin: server.url.replace(/\/$/, '') });
    await context.addInitScript(INSTRUMENT);
    const page = await context.newPage();
    const errors: Error[] = [];
    page.setDefaultTimeout(10000);
    page.on('pageerror', (e) => errors.push(e));
    // whatever the page's Content-Security-Policy blocks is an error of the page
    page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(new Error(m.text())); });
    if (process.env.SOFTPHONE_CONSOLE) page.on('console', (m) => console.log(m.text()));
    await page.goto(server.url);
    return { context, page, errors };
  }

  async function logIn(page: Page): Promise<void> {
    await page.getByTestId('login-username').fill(OPERATOR.username);
    await page.getByTestId('login-password').fill(OPERATOR.password);
    await page.getByTestId('login-password').press('Enter');
    await page.getByTestId('status-select').waitFor();
    await waitText(page, 'sip-status', 'registered');
  }

  const waitText = (page: Page, testId: string, text: string) =>
    page.waitForFunction(([id, t]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === t, [testId, text] as const);

  /** Tabs from the top of the page and returns the data-testid (or id) of each stop, checking each shows a focus ring. */
  async function tabStops(page: Page): Promise<string[]> {
    await page.locator('h1').click(); // the sequential focus starting point: the top of the page
    const stops: string[] = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      const stop = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el || el === document.body) return undefined;
        const style = getComputedStyle(el);
        return { name: el.dataset.testid ?? el.id ?? el.tagName, ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
      });
      if (!stop || stops.includes(stop.name)) break;
      expect({ stop: stop.name, ring: stop.ring }).toEqual({ stop: stop.name, ring: true });
      stops.push(stop.name);
    }
    return stops;
  }

  it('signs in, lists the fake devices, changes status, reaches every control by keyboard', async () => {
    const { context, page, errors } = await openPage();
    try {
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'login-username');
      await page.getByTestId('login-username').fill(OPERATOR.username);
      await page.getByTestId('login-password').fill('wrong');
      await page.getByTestId('login-submit').click();
      await waitText(page, 'message', 'Wrong username or password.');
      expect(await page.getByTestId('status-select').isVisible()).toBe(false);

      await logIn(page);
      expect(relay.registrations).toContainEqual({ user: 'alice', ok: true });
      await waitText(page, 'operator-state', 'offline');
      expect(await page.locator('#operator-name').textContent()).toBe(OPERATOR.name);
      await until(() => server.eventClients === 1);
      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(['POST /api/login', 'GET /api/operators/me', 'GET /api/events']));
      expect(server.requests.find((r) => r.path === '/api/operators/me')?.authorization).toMatch(/^Bearer token-/);

      // devices: Chromium's fake microphones and outputs, defaults chosen
      const options = (id: string) => page.getByTestId(id).locator('option').allTextContents();
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="device-mic"] option').length >= 3);
      expect(await options('device-mic')).toEqual(['Fake Default Audio Input', 'Fake Audio Input 1', 'Fake Audio Input 2']);
      expect(await options('device-speaker')).toEqual(['Fake Default Audio Output', 'Fake Audio Output 1', 'Fake Audio Output 2']);
      expect(await options('device-ringer')).toEqual(await options('device-speaker'));
      expect(await page.getByTestId('device-mic').inputValue()).toBe('default');
      // the fake microphone plays 440 Hz at -9 dBFS: the meter moves
      await page.waitForFunction(() => (document.querySelector('[data-testid="mic-level"]') as HTMLMeterElement).value > 0.5);

      // choosing an output sets the sink and is remembered
      const out1 = await page.getByTestId('device-speaker').locator('option', { hasText: 'Fake Audio Output 1' }).getAttribute('value');
      await page.getByTestId('device-speaker').selectOption(out1!);
      await page.waitForFunction((id) => (document.getElementById('remote-audio') as HTMLAudioElement & { sinkId: string }).sinkId === id, out1);
      expect(JSON.parse((await page.evaluate(() => localStorage.getItem('switchboard.softphone.devices')))!)).toMatchObject({ speaker: { deviceId: out1 } });
      await page.getByTestId('test-speaker').click();
      await page.waitForFunction(() => (document.getElementById('test-audio') as HTMLAudioElement).srcObject !== null);

      // status: available, paused with a reason, reason change, offline
      await page.getByTestId('status-select').selectOption('available');
      await waitText(page, 'operator-state', 'available');
      await page.getByTestId('status-select').selectOption('paused');
      await waitText(page, 'operator-state', 'paused');
      await page.getByTestId('pause-reason').selectOption('lunch');
      await page.waitForFunction(() => document.querySelector('[data-testid="operator-state"]')?.getAttribute('title') === 'paused: Lunch');
      await page.getByTestId('status-select').selectOption('offline');
      await waitText(page, 'operator-state', 'offline');
      expect(server.requests.filter((r) => r.path === '/api/operators/me/status').map((r) => r.body)).toEqual([
        { status: 'available' }, { status: 'paused', reason: 'break' }, { status: 'paused', reason: 'lunch' }, { status: 'offline' },
      ]);
      // the server's own state changes arrive over SSE
      server.setState('reserved');
      await waitText(page, 'operator-state', 'reserved');
      server.setState('available');
      await waitText(page, 'operator-state', 'available');
      expect(await page.getByTestId('status-select').inputValue()).toBe('available');

      // keyboard: every control in order, each with a visible focus ring, and labelled
      expect(await tabStops(page)).toEqual([
        'language', 'logout', 'status-select', 'pause-reason', 'device-mic', 'device-speaker', 'device-ringer', 'test-speaker', 'test-ringer',
      ]);
      for (const [label, id] of [['Status', 'status-select'], ['Pause reason', 'pause-reason'], ['Microphone', 'device-mic'],
        ['Headset speaker', 'device-speaker'], ['Ringer', 'device-ringer'], ['Microphone level', 'mic-level']]) {
        expect(await page.getByLabel(label, { exact: true }).getAttribute('data-testid')).toBe(id);
      }
      await page.evaluate(() => {
        (document.activeElement as HTMLElement | null)?.blur();
        // hold the live meter still, so the picture is the same on every run
        const meter = document.querySelector('[data-testid="mic-level"]') as HTMLMeterElement;
        meter.setAttribute('value', '0.7');
        Object.defineProperty(meter, 'value', { configurable: true, get: () => 0.7, set: () => undefined });
        return new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      });
      // docs/softphone-login.png: written when missing or with UPDATE_SCREENSHOTS=1 (Chromium's
      // anti-aliasing differs by a few pixels between runs; a test should not dirty the tree each time)
      const png = await page.screenshot({ path: join(dir, 'softphone-login.png') });
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      if (process.env.UPDATE_SCREENSHOTS === '1' || !existsSync(SCREENSHOT)) {
        await mkdir(dirname(SCREENSHOT), { recursive: true });
        await writeFile(SCREENSHOT, png);
      }

      // the SIP WebSocket drops: unregistered, then the page reconnects and registers again by itself
      const registered = relay.registrations.filter((r) => r.ok).length;
      relay.dropConnections();
      await waitText(page, 'sip-status', 'unregistered');
      await waitText(page, 'sip-status', 'registered');
      expect(relay.registrations.filter((r) => r.ok).length).toBeGreaterThan(registered);

      // sign out: offline, unregister (Expires 0), back to the sign-in form
      await page.getByTestId('logout').click();
      await page.getByTestId('login-username').waitFor();
      expect(server.requests.at(-1)).toMatchObject({ method: 'PUT', path: '/api/operators/me/status', body: { status: 'offline' } });
      await until(() => relay.requests('REGISTER', 'operator').some((m) => /expires=0/i.test(m.headers('contact').join()) || m.headers('expires')[0] === '0'));
      await waitText(page, 'sip-status', 'unregistered');
      await until(() => server.eventClients === 0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('rings, answers by keyboard, holds, mutes, sends DTMF, swaps the microphone, hangs up and wraps up; declines and misses calls', async () => {
    const { context, page, errors } = await openPage();
    const caller = await SipCaller.start(relay.url);
    try {
      await logIn(page);
      await page.getByTestId('status-select').selectOption('available');
      await waitText(page, 'operator-state', 'available');
      const ringerId = await page.getByTestId('device-ringer').locator('option', { hasText: 'Fake Audio Output 2' }).getAttribute('value');
      await page.getByTestId('device-ringer').selectOption(ringerId!);
      await page.waitForFunction(() => (document.querySelector('[data-testid="mic-level"]') as HTMLMeterElement).value > 0);
      const target = 'sip:alice@switchboard.local';
      const headers = { 'X-Switchboard-Call-Id': 'call-42', 'X-Switchboard-Queue': 'sales', 'X-Switchboard-Caller': '+441632960123', 'X-Switchboard-Wait': '37' };

      // 1. ringing: alert, details, focus on Answer, ringtone on the ringer device, notification, tab title
      const call = caller.call(target, headers);
      await page.getByTestId('incoming-call').waitFor();
      expect(await page.getByTestId('incoming-call').getAttribute('role')).toBe('alert');
      expect(await page.getByTestId('caller-number').textContent()).toBe('+441632960123');
      expect(await page.getByTestId('call-queue').textContent()).toBe('sales');
      expect(await page.getByTestId('call-wait').textContent()).toBe('0:37');
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'answer');
      await page.waitForFunction((id) => {
        const ringer = document.getElementById('ringer-audio') as HTMLAudioElement & { sinkId: string };
        return ringer.srcObject !== null && !ringer.paused && ringer.sinkId === id;
      }, ringerId);
      expect(await page.title()).toContain('Incoming call: +441632960123');
      expect(await page.evaluate(() => (window as unknown as Instrumented).__test.notifications)).toEqual([
        { title: 'Incoming call', body: '+441632960123 — queue sales, waited 37 s' },
      ]);
      expect(relay.requests('INVITE', 'caller')[0].headers('X-Switchboard-Call-Id')).toEqual(['call-42']);
      expect(relay.messages.some((m) => m.from === 'operator' && m.startLine === 'SIP/2.0 180 Ringing')).toBe(true);

      // 2. answer with the A key: the call is up, the ringer stops, the caller's audio goes to the headset, the timer runs
      await page.keyboard.press('a');
      await call.established;
      await page.getByTestId('hangup').waitFor();
      // the focus lands on Hold, not Hang up: a stray Enter must not end the call
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'hold');
      expect(await page.getByTestId('incoming-call').isVisible()).toBe(false);
      expect(await page.evaluate(() => (document.getElementById('ringer-audio') as HTMLAudioElement).srcObject)).toBeNull();
      expect(await page.evaluate(() => (document.getElementById('remote-audio') as HTMLAudioElement).srcObject !== null)).toBe(true);
      await waitText(page, 'call-timer', '0:01');
      expect(await tabStops(page)).toEqual([
        'language', 'logout', 'status-select', 'pause-reason', 'hold', 'mute', 'transfer', 'hangup',
        ...['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'].map((d) => `dtmf-${d}`),
        'device-mic', 'device-speaker', 'device-ringer', 'test-speaker', 'test-ringer',
      ]);
      expect(await page.getByRole('button', { name: 'Keypad hash' }).getAttribute('data-testid')).toBe('dtmf-#');
      const senderTrack = () => page.evaluate(() => {
        const track = (window as unknown as Instrumented).__test.pcs[0].getSenders()[0].track;
        return track && { label: track.label, enabled: track.enabled, state: track.readyState };
      });
      expect(await senderTrack()).toEqual({ label: 'Fake Default Audio Input', enabled: true, state: 'live' });

      // 3. mute (M) disables the local track; again to unmute
      await page.keyboard.press('m');
      await page.waitForFunction(() => document.querySelector('[data-testid="mute"]')?.getAttribute('aria-pressed') === 'true');
      expect(await senderTrack()).toMatchObject({ enabled: false });
      await page.keyboard.press('m');
      await page.waitForFunction(() => document.querySelector('[data-testid="mute"]')?.getAttribute('aria-pressed') === 'false');
      expect(await senderTrack()).toMatchObject({ enabled: true });

      // 4. DTMF: the caller's SDP has no telephone-event, so the tone goes as SIP INFO
      await page.keyboard.press('5');
      await page.getByTestId('dtmf-#').click();
      await until(() => call.infos.length === 2);
      expect(call.infos).toEqual(['Signal=5\r\nDuration=100\r\n', 'Signal=#\r\nDuration=100\r\n']);

      // 5. hold: a re-INVITE offering sendonly; resume: sendrecv
      await page.getByTestId('hold').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="hold"]')?.getAttribute('aria-pressed') === 'true');
      expect(call.sdh().offersReceived.at(-1)).toMatch(/a=sendonly/);
      expect(await page.getByTestId('dtmf-1').isDisabled()).toBe(true);
      await page.getByTestId('hold').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="hold"]')?.getAttribute('aria-pressed') === 'false');
      expect(call.sdh().offersReceived.at(-1)).toMatch(/a=sendrecv/);
      expect(relay.requests('INVITE', 'operator')).toHaveLength(2);

      // 6. a headset plugged in mid-call: choose its microphone; the track is replaced, no re-INVITE, call stays up
      const mic1 = await page.getByTestId('device-mic').locator('option', { hasText: 'Fake Audio Input 1' }).getAttribute('value');
      await page.getByTestId('device-mic').selectOption(mic1!);
      await page.waitForFunction(() => (window as unknown as Instrumented).__test.pcs[0].getSenders()[0].track?.label === 'Fake Audio Input 1');
      expect(await senderTrack()).toEqual({ label: 'Fake Audio Input 1', enabled: true, state: 'live' });
      expect(await page.evaluate(() => (window as unknown as Instrumented).__test.gum.at(-1)?.audio?.deviceId?.exact)).toBe(mic1);
      expect(relay.requests('INVITE', 'operator')).toHaveLength(2);
      expect(await page.getByTestId('hangup').isVisible()).toBe(true);

      // 7. hang up (X): BYE, wrap-up form with focus on the disposition
      await page.keyboard.press('x');
      expect(await call.ended).toBe(0);
      expect(relay.requests('BYE', 'operator')).toHaveLength(1);
      await page.getByTestId('wrapup-disposition').waitFor();
      await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'wrapup-disposition');
      expect(await page.getByTestId('wrapup-disposition').locator('option').allTextContents()).toEqual(['Choose a disposition…', 'sale', 'no-sale', 'callback']);
      expect(await page.getByTestId('caller-number').textContent()).toBe('+441632960123');
      server.setState('wrap-up');
      await waitText(page, 'operator-state', 'wrap-up');
      // submitting without a disposition is refused in the page
      await page.getByTestId('wrapup-submit').click();
      expect(await page.getByTestId('wrapup-disposition').getAttribute('aria-invalid')).toBe('true');
      await page.getByTestId('wrapup-disposition').selectOption('callback');
      await page.getByTestId('wrapup-notes').fill('Wants a call back on Monday');
      await page.getByTestId('wrapup-notes').press('Tab');
      await page.keyboard.press('Enter');
      await waitText(page, 'operator-state', 'available');
      expect(server.requests.filter((r) => r.path === '/api/operators/me/wrap-up').map((r) => r.body)).toEqual([
        { disposition: 'callback', notes: 'Wants a call back on Monday' },
      ]);
      await page.getByTestId('wrapup-disposition').waitFor({ state: 'hidden' });
      expect(await page.locator('#call-idle').isVisible()).toBe(true);

      // 8. decline (D): 603 to the caller, no wrap-up
      const declined = caller.call(target, { ...headers, 'X-Switchboard-Call-Id': 'call-43' });
      await page.getByTestId('incoming-call').waitFor();
      server.setState('ringing');
      await waitText(page, 'operator-state', 'ringing');
      await page.keyboard.press('d');
      expect(await declined.ended).toBe(603);
      await page.getByTestId('incoming-call').waitFor({ state: 'hidden' });
      expect(await page.getByTestId('wrapup-disposition').isVisible()).toBe(false);
      // the server pauses for the declined offer: the page says so with the server's reason
      server.setState('paused', 'no-answer');
      await waitText(page, 'message', 'Call declined — you are now paused: no answer. Choose Available to take calls again.');
      await waitText(page, 'operator-reason', '(no answer)');

      // 9. the caller gives up while it rings: back to idle, ringer silent
      const missed = caller.call(target, { ...headers, 'X-Switchboard-Call-Id': 'call-44' });
      await page.getByTestId('incoming-call').waitFor();
      server.setState('ringing');
      await waitText(page, 'operator-state', 'ringing');
      await missed.inviter.cancel();
      expect(await missed.ended).toBe(487);
      await page.getByTestId('incoming-call').waitFor({ state: 'hidden' });
      expect(await page.evaluate(() => (document.getElementById('ringer-audio') as HTMLAudioElement).srcObject)).toBeNull();
      server.setState('available');
      await waitText(page, 'message', 'The call stopped ringing: the caller hung up or a colleague answered.');

      // 10. the caller hangs up an answered call: wrap-up; the server ends wrap-up by itself: the form closes
      const third = caller.call(target, { ...headers, 'X-Switchboard-Call-Id': 'call-45' });
      await page.getByTestId('answer').click();
      await third.established;
      await page.getByTestId('hangup').waitFor();
      await third.inviter.bye();
      await page.getByTestId('wrapup-disposition').waitFor();
      server.setState('wrap-up');
      await waitText(page, 'operator-state', 'wrap-up');
      server.setState('available');
      await page.getByTestId('wrapup-disposition').waitFor({ state: 'hidden' });
      await waitText(page, 'message', 'Wrap-up time ran out; no disposition was recorded for the call.');
      expect(server.requests.filter((r) => r.path === '/api/operators/me/wrap-up')).toHaveLength(1);

      // 11. notes typed without a disposition when the time runs out: the page says they were not saved, and shows them
      const fourth = caller.call(target, { ...headers, 'X-Switchboard-Call-Id': 'call-46' });
      await page.getByTestId('answer').click();
      await fourth.established;
      await page.getByTestId('hangup').waitFor();
      await page.getByTestId('hangup').click();
      await page.getByTestId('wrapup-disposition').waitFor();
      server.setState('wrap-up');
      await waitText(page, 'operator-state', 'wrap-up');
      await page.getByTestId('wrapup-notes').fill('Asked about the refund');
      server.setState('available');
      await waitText(page, 'message', 'Wrap-up time ran out before a disposition was chosen: your notes were NOT saved. Your notes: "Asked about the refund"');
      expect(server.requests.filter((r) => r.path === '/api/operators/me/wrap-up')).toHaveLength(1);

      // 12. a disposition chosen when the time runs out: it is sent with the notes
      const fifth = caller.call(target, { ...headers, 'X-Switchboard-Call-Id': 'call-47' });
      await page.getByTestId('answer').click();
      await fifth.established;
      await page.getByTestId('hangup').waitFor();
      expect(await page.getByTestId('message').isHidden()).toBe(true); // the stale message went when the call rang
      await page.getByTestId('hangup').click();
      await page.getByTestId('wrapup-disposition').waitFor();
      server.setState('wrap-up');
      await waitText(page, 'operator-state', 'wrap-up');
      await page.getByTestId('wrapup-disposition').selectOption('sale');
      await page.getByTestId('wrapup-notes').fill('Two licences');
      server.setState('available');
      await waitText(page, 'message', 'Wrap-up time ran out; your disposition (sale) and notes were saved.');
      expect(server.requests.filter((r) => r.path === '/api/operators/me/wrap-up').map((r) => r.body).at(-1)).toEqual({ disposition: 'sale', notes: 'Two licences' });
      expect(errors).toEqual([]);
    } catch (error) {
      console.log(relay.messages.map((m) => `${m.from}: ${m.startLine}`).join('\n'), await page.getByTestId('message').textContent());
      throw error;
    } finally {
      await caller.stop().catch(() => undefined);
      await context.close();
    }
  });
});
