/**
 * The rig for the in-call end-to-end tests: Switchboard from dist/ with its own configuration
 * (queues support and sales; alice in support, bob in sales only), two headless Chromium
 * instances with their own fake microphone tone (alice 440 Hz, bob 660 Hz) signed in to the
 * softphone page, and a SIPp trunk caller whose audio is an RtpEndpoint sending 1 kHz.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { mediaAssetPath } from '../../media';
import { matchFraction } from '../../media/testing/audio-match';
import { launchTestBrowser } from '../../media/testing/browser';
import { detectTone, type ToneDetection } from '../../media/testing/goertzel';
import { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { decodeWav, sineWav } from '../../media/testing/wav';
import { runSipp, type SippRun } from '../support/sipp';
import { stopAll, waitFor } from '../support/processes';
import { pageHears } from './page-audio';
import { startServer, type ServerProcess } from './server-process';
export { pageHears, pageHearsEach } from './page-audio';

export const CALLER = '4930555';
export const TONES = { alice: 440, bob: 660, caller: 1000 } as const;
export type OperatorName = 'alice' | 'bob';
const PASSWORDS: Record<OperatorName, string> = { alice: 'alice-e2e', bob: 'bob-e2e' };
/** Waits in this file are generous: the machine running the tests may be loaded. */
export const LONG = 30_000;

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
    wrapUpMs: 60000
  - id: sales
    strategy: longest-idle
    ringTimeoutMs: 30000
    wrapUpMs: 60000
operators:
  - id: alice
    name: Alice
    sip: { username: alice, password: ${PASSWORDS.alice} }
    queues: [{ queue: support }]
  - id: bob
    name: Bob
    sip: { username: bob, password: ${PASSWORDS.bob} }
    queues: [{ queue: sales }]
`;

export interface Rig {
  server: ServerProcess;
  pages: Record<OperatorName, Page>;
  /** The music on hold the server plays, 8 kHz samples. */
  music: Int16Array;
  close(): Promise<void>;
}

/** Starts the server and both operators' browsers, signs both in and makes them available. */
export async function startRig(): Promise<Rig> {
  const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-in-call-'));
  const browsers: Browser[] = [];
  const close = async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const configFile = path.join(dir, 'switchboard.yaml');
    writeFileSync(configFile, CONFIG);
    const mic = (name: OperatorName) => {
      const file = path.join(dir, `mic-${name}.wav`);
      writeFileSync(file, sineWav({ frequency: TONES[name], sampleRate: 48000, seconds: 30, amplitude: 0.5 }));
      return file;
    };
    const [server, aliceBrowser, bobBrowser] = await Promise.all([
      startServer({ SWITCHBOARD_CONFIG: configFile }),
      launchTestBrowser({ fakeAudioFile: mic('alice') }).then((b) => (browsers.push(b), b)),
      launchTestBrowser({ fakeAudioFile: mic('bob') }).then((b) => (browsers.push(b), b)),
    ]);
    const open = async (b: Browser) => (await b.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    const pages = { alice: await open(aliceBrowser), bob: await open(bobBrowser) };
    if (process.env.DEBUG_PAGES) for (const [n, p] of Object.entries(pages)) p.on('console', (m) => console.log(n, m.type(), m.text().slice(0, 300)));
    // DEBUG_PAGES also keeps the pages' peer connections in window.__pcs (see peerStats)
    if (process.env.DEBUG_PAGES) {
      for (const p of Object.values(pages)) {
        await p.addInitScript(() => {
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
      }
    }
    await Promise.all((['alice', 'bob'] as const).map(async (name) => {
      const page = pages[name];
      await page.goto(server.url);
      await page.getByTestId('login-username').fill(name);
      await page.getByTestId('login-password').fill(PASSWORDS[name]);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('sip-status').filter({ hasText: /^registered$/ }).waitFor({ timeout: LONG });
      await page.getByTestId('status-select').selectOption('available');
      await waitForState(page, 'available');
    }));
    const music = decodeWav(readFileSync(mediaAssetPath('musicOnHold'))).samples;
    return { server, pages, music, close };
  } catch (err) {
    await close();
    throw err;
  }
}

export function login(rig: Rig, name: OperatorName): Promise<string> {
  return rig.server.login(name, PASSWORDS[name]);
}

export async function waitForState(page: Page, state: string): Promise<void> {
  await page.getByTestId('operator-state').filter({ hasText: new RegExp(`^${state}$`) }).waitFor({ timeout: LONG });
}

/** With DEBUG_PAGES: each peer connection's state, bytes in/out and the selected candidate pair, for a failure message. */
export async function peerStats(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
    const out: string[] = [];
    for (const pc of pcs) {
      const stats = await pc.getStats();
      let inBytes = 0;
      let outBytes = 0;
      let pair = '';
      const codecs = new Map<string, string>();
      stats.forEach((s: { type: string; id: string; mimeType?: string; payloadType?: number }) => {
        if (s.type === 'codec') codecs.set(s.id, `${s.mimeType ?? ''}/${s.payloadType ?? ''}`);
      });
      stats.forEach((s: { type: string; bytesReceived?: number; bytesSent?: number; state?: string; nominated?: boolean; codecId?: string; audioLevel?: number; concealedSamples?: number; totalSamplesReceived?: number; packetsReceived?: number }) => {
        if (s.type === 'inbound-rtp') out.push(`inbound ${codecs.get(s.codecId ?? '') ?? '?'} level=${s.audioLevel} packets=${s.packetsReceived} samples=${s.totalSamplesReceived} concealed=${s.concealedSamples}`);
        if (s.type === 'inbound-rtp') inBytes += s.bytesReceived ?? 0;
        if (s.type === 'outbound-rtp') outBytes += s.bytesSent ?? 0;
        if (s.type === 'candidate-pair' && s.nominated) pair = s.state ?? '';
      });
      out.push(`${pc.connectionState}/${pc.iceConnectionState} in=${inBytes} out=${outBytes} pair=${pair} dirs=${pc.getTransceivers().map((t) => t.currentDirection).join(',')}`);
    }
    const el = document.getElementById('remote-audio') as HTMLAudioElement | null;
    const src = el?.srcObject as MediaStream | null | undefined;
    const receivers = pcs.map((pc) => pc.getReceivers().map((r) => `${r.track.id.slice(0, 8)}:${r.track.enabled}:${r.track.muted}`).join(','));
    out.push(`speaker paused=${el?.paused} tracks=${src?.getAudioTracks().map((t) => `${t.id.slice(0, 8)}:${t.enabled}:${t.muted}:${t.readyState}`).join(',')} receivers=${receivers.join(' / ')}`);
    out.push(`message="${document.getElementById('message')?.textContent ?? ''}"`);
    return out.join(' | ');
  });
}

/** Waits until the page shows a message matching `text`. */
export async function waitForMessage(page: Page, text: RegExp): Promise<void> {
  try {
    await page.getByTestId('message').filter({ hasText: text }).waitFor({ timeout: LONG });
  } catch (err) {
    const shown = await page.getByTestId('message').textContent();
    throw new Error(`the page did not show ${text} (it shows "${shown ?? ''}")`, { cause: err });
  }
}

export interface TrunkCall {
  sipp: SippRun;
  media: RtpEndpoint;
  /** Epoch ms just before the call was placed (records of this call arrived after it). */
  startedAt: number;
}

/**
 * SIPp calls number 100 as the trunk; the RTP endpoint learns the relay's address from the music
 * it plays while the call is queued, and then sends 1 kHz.
 */
export async function callIn(server: ServerProcess, caller: string = CALLER): Promise<TrunkCall> {
  const startedAt = Date.now();
  const media = await RtpEndpoint.open({ codec: 'PCMU' });
  try {
    const sipp = await runSipp({
      scenario: 'uac-trunk-media', remote: `127.0.0.1:${server.sipPort}`, service: '100',
      keys: { rtp_port: media.port, caller }, recvTimeoutMs: 150_000, hardTimeoutMs: 180_000,
    });
    await waitFor(() => media.receivedFrom().size > 0, 'music on hold at the trunk', LONG);
    const [relay] = [...media.receivedFrom().keys()];
    const [host, port] = relay!.split(':');
    media.useRemoteSdp(`v=0\r\no=- 1 1 IN IP4 ${host}\r\ns=-\r\nc=IN IP4 ${host}\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\n`);
    media.startSending(TONES.caller);
    return { sipp, media, startedAt };
  } catch (err) {
    await media.close();
    throw err;
  }
}

/** The page rings with the trunk caller; the operator presses Answer and the call is up. */
export async function answer(page: Page, queue: string, caller: string = CALLER): Promise<void> {
  await page.getByTestId('incoming-call').waitFor({ timeout: LONG });
  await page.getByTestId('caller-number').filter({ hasText: caller }).waitFor({ timeout: LONG });
  await page.getByTestId('call-queue').filter({ hasText: queue }).waitFor({ timeout: LONG });
  await pressAnswer(page);
}

/** The page rings with a colleague's consultation (`from`, the consulting operator's id); the operator answers. */
export async function answerConsultation(page: Page, from: string): Promise<void> {
  await page.getByTestId('incoming-call').filter({ hasText: new RegExp(`^${from} is calling you about a call`) }).waitFor({ timeout: LONG });
  await pressAnswer(page);
}

async function pressAnswer(page: Page): Promise<void> {
  await page.getByTestId('answer').click();
  await page.getByTestId('hangup').waitFor({ timeout: LONG });
  // the headset speaker really plays the call (not only a stream that Web Audio could read)
  await page.waitForFunction(() => {
    const speaker = document.getElementById('remote-audio') as HTMLAudioElement | null;
    return speaker !== null && !speaker.paused && speaker.readyState >= 2 && speaker.currentTime > 0;
  }, undefined, { timeout: LONG });
}

/**
 * Polls what the trunk received since now, one second at a time, until `frequency` is (or, with
 * `present` false, is no longer) in the last second; returns the last detection either way.
 */
export async function trunkTone(media: RtpEndpoint, frequency: number, present = true, timeoutMs = LONG): Promise<ToneDetection> {
  media.clearReceived();
  const deadline = Date.now() + timeoutMs;
  let last: ToneDetection = { detected: !present, ratio: 0, rms: 0 };
  while (Date.now() < deadline) {
    const samples = media.receivedSamples();
    if (samples.length >= 8000) {
      last = detectTone(samples.subarray(samples.length - 8000), 8000, frequency);
      if (last.detected === present) return last;
      media.clearReceived();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

/** Waits until two seconds of trunk audio are the music on hold; returns the fraction matched and the 440 Hz check. */
export async function trunkMusic(media: RtpEndpoint, music: Int16Array, timeoutMs = LONG): Promise<{ fraction: number; operatorTone: ToneDetection }> {
  const deadline = Date.now() + timeoutMs;
  let last = { fraction: 0, operatorTone: { detected: false, ratio: 0, rms: 0 } as ToneDetection };
  while (Date.now() < deadline) {
    media.clearReceived();
    const samples = await media.waitForSamples(16000, timeoutMs);
    last = { fraction: matchFraction(samples, music, { count: 4 }), operatorTone: detectTone(samples, 8000, TONES.alice) };
    if (last.fraction >= 0.5) return last;
  }
  return last;
}

/** Opens the transfer form on the page and picks `target` (an operator's SIP user or `queue-ID`). */
export async function chooseTransferTarget(page: Page, target: string): Promise<void> {
  await page.getByTestId('transfer').click();
  await page.getByTestId('transfer-panel').waitFor({ timeout: LONG });
  await page.getByTestId('transfer-target').selectOption(target);
}

/** Opens the transfer form, picks the operator `target` and presses "Consult first". */
export async function consult(page: Page, target: OperatorName): Promise<void> {
  await chooseTransferTarget(page, target);
  await page.getByTestId('transfer-consult').click();
}

/** A trunk call (1 kHz) answered by `name` in `queue`, with the tones flowing both ways. */
export async function connectCaller(rig: Rig, name: OperatorName, queue: string): Promise<TrunkCall> {
  const call = await callIn(rig.server);
  try {
    await answer(rig.pages[name], queue);
    const heard = await trunkTone(call.media, TONES[name]);
    if (!heard.detected) throw new Error(`the caller does not hear ${name} (${JSON.stringify(heard)})`);
    const hears = await pageHears(rig.pages[name], TONES.caller);
    if (!hears.detected) throw new Error(`${name} does not hear the caller (${JSON.stringify(hears)})`);
    return call;
  } catch (err) {
    await call.sipp.stop();
    await call.media.close();
    throw err;
  }
}

export interface CallRecordJson {
  callId: string;
  caller: string;
  outcome: string;
  operatorId?: string;
  segments?: Array<{ kind: string; operatorId?: string; target?: string; result?: string; queue?: string }>;
}

/** The record of `call` (the only call that arrived since it started), once the call has ended. */
export async function recordOf(rig: Rig, call: TrunkCall): Promise<CallRecordJson> {
  const token = await login(rig, 'alice');
  let found: CallRecordJson[] = [];
  await waitFor(async () => {
    found = (await rig.server.api<{ records: CallRecordJson[] }>(token, `/api/calls/records?from=${call.startedAt}`)).records;
    return found.length > 0;
  }, 'the call record', LONG);
  if (found.length !== 1) throw new Error(`expected one call record, got ${JSON.stringify(found)}`);
  return found[0]!;
}

/** Finishes the wrap-up on the page and waits until the operator is available again. */
export async function finishWrapUp(page: Page): Promise<void> {
  await page.getByTestId('wrapup-submit').waitFor({ timeout: LONG });
  await page.getByTestId('wrapup-disposition').selectOption({ index: 1 });
  await page.getByTestId('wrapup-submit').click();
  await waitForState(page, 'available');
}

/**
 * After a test, whatever it left: ends a call still up on a page, declines a ringing one, finishes
 * wrap-ups, and stops the trunk. Best effort, so that one failed test does not fail the next.
 */
export async function tidyUp(rig: Rig, call: TrunkCall | undefined): Promise<void> {
  for (const page of Object.values(rig.pages)) {
    if (await page.getByTestId('consult-cancel').isEnabled() && await page.getByTestId('consult-cancel').isVisible()) await page.getByTestId('consult-cancel').click();
    if (await page.getByTestId('hangup').isVisible()) await page.getByTestId('hangup').click();
    if (await page.getByTestId('decline').isVisible()) await page.getByTestId('decline').click();
  }
  if (call) {
    await call.sipp.stop();
    await call.media.close();
  }
  for (const page of Object.values(rig.pages)) {
    if (await page.getByTestId('wrapup-submit').isVisible()) await finishWrapUp(page);
  }
}
