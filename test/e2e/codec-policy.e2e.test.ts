/**
 * The codec policy end to end: the real server (dist/) with its embedded rtpengine, the softphone
 * page in headless Chromium for alice (microphone 440 Hz), SIPp as a PCMU trunk with an RTP
 * endpoint sending 1 kHz. Number 100 reaches queue `support` (default policy, avoid-transcoding),
 * number 200 queue `remote` (`codecs.queues.remote: opus`). Under each policy: tones both ways,
 * the codec the browser receives, rtpengine's own view of the call (`query`: codecs of both legs,
 * its `transcoding` flag), the `switchboard_operator_legs_total` metric, and the keypad's digits
 * at the trunk as RFC 4733 events.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { NgClient } from '../../media/ng/ng-client';
import { parseQueryReply } from '../../media/rtpengine/query-stats';
import { launchTestBrowser } from '../../media/testing/browser';
import { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { sineWav } from '../../media/testing/wav';
import { freeUdpPort } from '../../media/rtpengine/local-rtpengine';
import { freeTcpPort } from '../support/ports';
import { stopAll, waitFor } from '../support/processes';
import { runSipp, type SippRun } from '../support/sipp';
import { CALLER, finishWrapUp, LONG, pageHears, trunkTone, waitForState } from './in-call-fixture';
import { startServer, type ServerProcess } from './server-process';

const TONES = { alice: 440, caller: 1000 } as const;
const PASSWORD = 'alice-e2e';

const CONFIG = `
trunks:
  - id: local
    allow: [127.0.0.1]
numbers:
  - number: "100"
    queue: support
  - number: "200"
    queue: remote
queues:
  - id: support
    strategy: longest-idle
    ringTimeoutMs: 30000
  - id: remote
    strategy: longest-idle
    ringTimeoutMs: 30000
operators:
  - id: alice
    name: Alice
    sip: { username: alice, password: ${PASSWORD} }
    queues: [{ queue: support }, { queue: remote }]
codecs:
  queues:
    remote: opus
`;

interface Trunk {
  sipp: SippRun;
  media: RtpEndpoint;
}

/** SIPp calls `number` as a PCMU trunk; its RTP endpoint answers the relay's music with 1 kHz. */
async function callIn(server: ServerProcess, number: string): Promise<Trunk> {
  const media = await RtpEndpoint.open({ codec: 'PCMU' });
  try {
    const sipp = await runSipp({
      scenario: 'uac-trunk-media', remote: `127.0.0.1:${server.sipPort}`, service: number,
      keys: { rtp_port: media.port, caller: CALLER }, recvTimeoutMs: 150_000, hardTimeoutMs: 180_000,
    });
    await waitFor(() => media.receivedFrom().size > 0, 'music on hold at the trunk', LONG);
    const [relay] = [...media.receivedFrom().keys()];
    const [host, port] = relay!.split(':');
    media.useRemoteSdp(`v=0\r\no=- 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\n`);
    media.startSending(TONES.caller);
    return { sipp, media };
  } catch (err) {
    await media.close();
    throw err;
  }
}

/** The codec (mime type) of the audio the page receives, from its peer connection's stats. */
async function pageCodec(page: Page): Promise<string | undefined> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
    for (const pc of [...pcs].reverse()) {
      const stats = await pc.getStats();
      const codecs = new Map<string, string>();
      let codecId: string | undefined;
      stats.forEach((s: { type: string; id: string; mimeType?: string; codecId?: string; packetsReceived?: number }) => {
        if (s.type === 'codec' && s.mimeType) codecs.set(s.id, s.mimeType);
        if (s.type === 'inbound-rtp' && (s.packetsReceived ?? 0) > 0) codecId = s.codecId;
      });
      if (codecId && codecs.has(codecId)) return codecs.get(codecId);
    }
    return undefined;
  });
}

/** The series of switchboard_operator_legs_total with their values. */
async function legMetrics(server: ServerProcess): Promise<Map<string, number>> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return new Map(text.split('\n').filter((l) => l.startsWith('switchboard_operator_legs_total{'))
    .map((l) => [l.slice('switchboard_operator_legs_total'.length, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]));
}

describe('codec policy: G.711 passthrough by default, Opus where configured', () => {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let ng: NgClient | undefined;
  let trunk: Trunk | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'switchboard-codec-'));
    const configFile = path.join(dir, 'switchboard.yaml');
    writeFileSync(configFile, CONFIG);
    const mic = path.join(dir, 'mic-alice.wav');
    writeFileSync(mic, sineWav({ frequency: TONES.alice, sampleRate: 48000, seconds: 30, amplitude: 0.5 }));
    const ngPort = await freeUdpPort('127.0.0.1');
    let portMin = 20000 + ((await freeTcpPort()) % 20000);
    if (ngPort >= portMin && ngPort <= portMin + 199) portMin += 200; // the ng port stays outside the RTP range
    [server, browser] = await Promise.all([
      startServer({
        SWITCHBOARD_CONFIG: configFile,
        // the embedded rtpengine on a known ng port, so that the test can ask it about the call
        SWITCHBOARD__media__rtpengine: JSON.stringify({ mode: 'embedded', portMin, portMax: portMin + 199, ngPort }),
      }),
      launchTestBrowser({ fakeAudioFile: mic }),
    ]);
    ng = new NgClient({ host: '127.0.0.1', port: ngPort });
    page = await (await browser.newContext()).newPage();
    // keep the page's peer connections, to read the codec it receives
    await page.addInitScript(() => {
      const Original = window.RTCPeerConnection;
      const list: RTCPeerConnection[] = [];
      (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = list;
      window.RTCPeerConnection = class extends Original {
        constructor(config?: RTCConfiguration) {
          super(config);
          list.push(this);
        }
      } as typeof RTCPeerConnection;
    });
    await page.goto(server.url);
    await page.getByTestId('login-username').fill('alice');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('sip-status').filter({ hasText: /^registered$/ }).waitFor({ timeout: LONG });
    await page.getByTestId('status-select').selectOption('available');
    await waitForState(page, 'available');
  }, 240_000);

  afterEach(async () => {
    if (page && await page.getByTestId('hangup').isVisible()) await page.getByTestId('hangup').click();
    if (trunk) {
      await trunk.sipp.stop();
      await trunk.media.close();
      trunk = undefined;
    }
    if (page && await page.getByTestId('wrapup-submit').isVisible()) await finishWrapUp(page);
  }, 120_000);

  afterAll(async () => {
    ng?.close();
    await browser?.close();
    await stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it.each([
    ['100', 'avoid-transcoding', 'audio/PCMU', 'PCMU/8000', 'no'],
    ['200', 'opus', 'audio/opus', 'opus/48000/2', 'yes'],
  ] as const)('number %s (%s): the browser gets %s, tones both ways, keypad digits as RFC 4733', async (number, policy, pageMime, legCodec, transcoded) => {
    const p = page!;
    const before = await legMetrics(server!);
    trunk = await callIn(server!, number);
    await p.getByTestId('incoming-call').waitFor({ timeout: LONG });
    await p.getByTestId('answer').click();
    await p.getByTestId('hangup').waitFor({ timeout: LONG });

    expect(await trunkTone(trunk.media, TONES.alice)).toMatchObject({ detected: true });
    expect(await pageHears(p, TONES.caller)).toMatchObject({ detected: true });
    expect(await pageCodec(p)).toBe(pageMime);

    // rtpengine's own view: the caller's leg speaks PCMU, the operator's the policy's codec
    const [callId, ...others] = (await ng!.request('list', { limit: 10 })).calls as string[];
    expect(others).toEqual([]);
    const stats = parseQueryReply(callId!, await ng!.request('query', { 'call-id': callId! }));
    const codecs = stats.legs.map((l) => l.codec).sort();
    expect(codecs).toEqual(['PCMU/8000', legCodec].sort());
    expect(stats.legs.some((l) => l.flags.includes('transcoding'))).toBe(transcoded === 'yes');

    const after = await legMetrics(server!);
    const series = `{caller_codec="PCMU",operator_codec="${legCodec.split('/')[0]}",transcoded="${transcoded}",policy="${policy}"}`;
    expect((after.get(series) ?? 0) - (before.get(series) ?? 0)).toBe(1);

    trunk.media.clearDtmf();
    for (const digit of ['1', '2', '#']) await p.getByTestId(`dtmf-${digit}`).click();
    expect(await trunk.media.waitForDigits(3, LONG)).toBe('12#');
    expect(trunk.media.receivedDtmf().every((d) => d.ended && d.duration > 0)).toBe(true);
    // still relayed as it was: keypad digits ride in the media, no DTMF injection was needed
    const still = parseQueryReply(callId!, await ng!.request('query', { 'call-id': callId! }));
    expect(still.legs.some((l) => l.flags.includes('transcoding'))).toBe(transcoded === 'yes');
  }, 240_000);
});
