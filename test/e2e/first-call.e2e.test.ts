/**
 * The product as its users meet it: Switchboard started with the demo configuration; an operator
 * logs in through the softphone page in headless Chromium and goes available; SIPp, acting as the
 * trunk, calls number 100 while an RTP endpoint sends a 1 kHz tone; the page rings; the operator
 * answers; the tone is heard in the browser and the browser's microphone (440 Hz) on the trunk;
 * the operator hangs up; the call record shows the answered call with operator and queue.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchTestBrowser } from '../../media/testing/browser';
import { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { detectTone } from '../../media/testing/goertzel';
import { sineWav } from '../../media/testing/wav';
import { assertSippPassed, runSipp } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import { createClient } from 'redis';
import { startRedis, type TestRedis } from '../support/redis-server';
import { startServer, type ServerProcess } from './server-process';
import { pageHears } from './page-audio';

const SCREENSHOT = path.join(__dirname, '../../docs/softphone-call.png');

describe.each(['memory', 'redis'])('first real call: trunk → queue → operator in the browser (%s store)', (store) => {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let trunkMedia: RtpEndpoint | undefined;
  let redis: TestRedis | undefined;
  afterAll(async () => {
    await trunkMedia?.close();
    await browser?.close();
    await stopAll();
    await redis?.stop();
  });

  it('rings the softphone, carries audio both ways, hangs up from the page, and records the call', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-e2e-'));
    const mic = path.join(dir, 'mic-440.wav');
    writeFileSync(mic, sineWav({ frequency: 440, sampleRate: 48000, seconds: 30, amplitude: 0.5 }));
    if (store === 'redis') redis = await startRedis();
    const prefix = `e2e-${process.pid}-${Date.now()}`;
    const env: Record<string, string> = redis ? { SWITCHBOARD_REDIS_URL: redis.url, SWITCHBOARD_REDIS_PREFIX: prefix } : {};
    [server, browser] = await Promise.all([startServer(env), launchTestBrowser({ fakeAudioFile: mic })]);

    const page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    await page.goto(server.url);
    await page.getByTestId('login-username').fill('alice');
    await page.getByTestId('login-password').fill('alice-demo');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('sip-status').filter({ hasText: /^registered$/ }).waitFor({ timeout: 15_000 });
    await page.getByTestId('status-select').selectOption('available');
    await page.getByTestId('operator-state').filter({ hasText: 'available' }).waitFor();

    trunkMedia = await RtpEndpoint.open({ codec: 'PCMU' });
    const trunk = await runSipp({
      scenario: 'uac-trunk-media', remote: `127.0.0.1:${server.sipPort}`, service: '100',
      keys: { rtp_port: trunkMedia.port, caller: '4930555' }, recvTimeoutMs: 60_000, hardTimeoutMs: 90_000,
    });
    // the caller is answered into the queue: music on hold arrives; answer back to where it comes from
    await waitFor(() => trunkMedia!.receivedFrom().size > 0, 'music on hold at the trunk', 15_000);
    const [relay] = [...trunkMedia.receivedFrom().keys()];
    const [host, port] = relay!.split(':');
    trunkMedia.useRemoteSdp(`v=0\r\no=- 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\n`);
    trunkMedia.startSending(1000);

    await page.getByTestId('incoming-call').waitFor({ timeout: 20_000 });
    await page.getByTestId('caller-number').filter({ hasText: '4930555' }).waitFor();
    await page.getByTestId('call-queue').filter({ hasText: 'support' }).waitFor();
    await page.getByTestId('answer').click();
    await page.getByTestId('hangup').waitFor();

    trunkMedia.clearReceived();
    const fromBrowser = await trunkMedia.waitForSamples(8000 * 2, 15_000);
    const atTrunk = detectTone(fromBrowser.subarray(8000), 8000, 440);
    const heard = await pageHears(page, 1000, 80);
    expect(atTrunk).toMatchObject({ detected: true });
    expect(heard).toMatchObject({ detected: true });

    if (!existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOTS === '1') await page.screenshot({ path: SCREENSHOT });

    await page.getByTestId('hangup').click();
    assertSippPassed(await trunk.done(), 1);
    trunkMedia.stopSending();

    const token = await server.login('alice', 'alice-demo');
    const records = async () => (await server!.api<{ records: Array<Record<string, unknown>> }>(token, '/api/calls/records')).records;
    await waitFor(async () => (await records()).length > 0, 'the call record');
    const [record] = await records();
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'alice', queue: 'support', caller: '4930555', number: '100' });
    if (redis) {
      // the routing state really lived in Redis
      const client = createClient({ url: redis.url });
      await client.connect();
      expect((await client.keys(`${prefix}*`)).length).toBeGreaterThan(0);
      await client.quit();
    }
  }, 120_000);
});
