/**
 * Attended transfer and conference as operators do them on the softphone page: the real server
 * (dist/), alice's (440 Hz) and bob's (660 Hz) pages in headless Chromium, SIPp as the trunk with an
 * RTP endpoint sending 1 kHz. Alice presses "Consult first" (the caller is held and hears music,
 * alice's page calls bob with `X-Switchboard-Consult`), then Complete transfer (REFER with Replaces),
 * Cancel, or Conference (the server's mixer). Every outcome is checked as audio at each end, on the
 * pages and in the call record.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { detectTone } from '../../media/testing/goertzel';
import type { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import type { Page } from 'playwright-core';
import { assertSippPassed } from '../support/sipp';
import {
  LONG, TONES, answerConsultation, peerStats, connectCaller, consult, finishWrapUp, pageHears, pageHearsEach, recordOf, startRig, tidyUp,
  trunkMusic, trunkTone, waitForMessage, waitForState, type Rig, type TrunkCall,
} from './in-call-fixture';

const SCREENSHOT = path.join(__dirname, '../../docs/softphone-consult.png');

/** Waits until one second at the trunk holds every one of `frequencies` (a mix: each at least 20 % of the energy). */
async function trunkHearsEach(media: RtpEndpoint, frequencies: number[], timeoutMs = LONG): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let ratios: number[] = [];
  while (Date.now() < deadline) {
    media.clearReceived();
    const samples = await media.waitForSamples(8000, timeoutMs);
    const found = frequencies.map((f) => detectTone(samples.subarray(samples.length - 8000), 8000, f, { minRatio: 0.2 }));
    ratios = found.map((d) => d.ratio);
    if (found.every((d) => d.detected)) return ratios;
  }
  throw new Error(`the trunk does not hear ${frequencies.join(' + ')} Hz (ratios ${ratios.map((r) => r.toFixed(2)).join(', ')})`);
}

/** Fails with what the page plays instead, and the end of the server's log. */
async function hears(page: Page, frequency: number, what: string): Promise<void> {
  const heard = await pageHears(page, frequency);
  if (!heard.detected) throw new Error(`not so: ${what} (${JSON.stringify(heard)}; peers: ${await peerStats(page)}; other pages: ${await otherPeers()})\n${rigLog()}`);
}

let rigLog: () => string = () => '';
let otherPeers: () => Promise<string> = async () => '';

describe('attended transfer and conference from the softphone page', () => {
  let rig: Rig | undefined;
  let call: TrunkCall | undefined;

  beforeAll(async () => {
    rig = await startRig();
    const server = rig.server;
    rigLog = () => server.proc.output().slice(-4000);
    const bob = rig.pages.bob;
    otherPeers = () => peerStats(bob);
  }, 180_000);
  afterEach(async () => {
    if (rig) await tidyUp(rig, call);
    call = undefined;
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  /** A trunk call with alice; alice consults bob, bob answers, and the caller hears music meanwhile. */
  async function aliceConsultsBob(): Promise<TrunkCall> {
    const { pages, music } = rig!;
    call = await connectCaller(rig!, 'alice', 'support');
    await waitForState(pages.bob, 'available');
    await consult(pages.alice, 'bob');
    await answerConsultation(pages.bob, 'alice').catch(async (err: Error) => {
      const shown = await pages.alice.getByTestId('message').textContent();
      const bobState = await pages.bob.getByTestId('operator-state').textContent();
      throw new Error(`${err.message}\nalice's page says "${shown ?? ''}", bob is ${bobState ?? '?'}; peers: ${await peerStats(pages.alice)}`);
    });
    await pages.alice.getByTestId('consult-state').filter({ hasText: 'Talking with Bob' }).waitFor({ timeout: LONG });
    const held = await trunkMusic(call.media, music);
    expect(held.fraction).toBeGreaterThanOrEqual(0.5);
    expect(held.operatorTone.detected).toBe(false);
    expect(await pages.alice.getByTestId('hold').isDisabled()).toBe(true);
    return call;
  }

  // Run with DEBUG_PAGES=1 for the pages' peer statistics in a failure message.
  it('alice and bob hear each other in the consultation', async () => {
    const { pages } = rig!;
    await aliceConsultsBob();
    await hears(pages.alice, TONES.bob, 'alice hears bob in the consultation');
    await hears(pages.bob, TONES.alice, 'bob hears alice in the consultation');
  }, 300_000);

  // Skipped: a known failure (#10). Complete transfer and Conference move a browser's peer connection
  // into another rtpengine session by an offerless re-INVITE. Every session of one rtpengine shows the
  // same certificate fingerprint, so Chromium apparently keeps its DTLS-SRTP keys of the old session and does not
  // answer the new session's handshake: rtpengine counts the moved page's packets as errors and sends
  // it nothing (measured: page out>0 in=0; rtpengine leg pk=596 err=3438; the trunk receives nothing).
  it.skip('alice consults bob and completes the transfer: the caller and bob hear each other, alice wraps up, the record shows it', async () => {
    const { pages } = rig!;
    const c = await aliceConsultsBob();
    if (!existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOTS === '1') await pages.alice.screenshot({ path: SCREENSHOT });

    await pages.alice.getByTestId('consult-complete').click();
    await waitForMessage(pages.alice, /Call transferred to Bob/);
    await pages.alice.getByTestId('wrapup-submit').waitFor({ timeout: LONG });
    expect(await pages.alice.getByTestId('hangup').isHidden()).toBe(true);
    expect(await pages.alice.getByTestId('consult-panel').isHidden()).toBe(true);
    await waitForState(pages.alice, 'wrap-up');

    expect(await trunkTone(c.media, TONES.bob)).toMatchObject({ detected: true });
    expect(await pageHears(pages.bob, TONES.caller)).toMatchObject({ detected: true });
    await waitForState(pages.bob, 'on-call');

    await pages.bob.getByTestId('hangup').click();
    assertSippPassed(await c.sipp.done(), 1);
    await Promise.all([finishWrapUp(pages.alice), finishWrapUp(pages.bob)]);

    const record = await recordOf(rig!, c);
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'bob' });
    expect(record.segments).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'consult', operatorId: 'alice', target: 'operator:bob', result: 'completed' }),
      expect.objectContaining({ kind: 'transferred', operatorId: 'alice', target: 'operator:bob', result: 'completed' }),
      expect.objectContaining({ kind: 'answered', operatorId: 'alice' }),
      expect.objectContaining({ kind: 'answered', operatorId: 'bob' }),
    ]));
  }, 300_000);

  it('alice consults bob and cancels: the caller and alice hear each other again, bob is free', async () => {
    const { pages } = rig!;
    const c = await aliceConsultsBob();

    await pages.alice.getByTestId('consult-cancel').click();
    await waitForMessage(pages.alice, /Consultation with Bob ended\. The caller is back with you/);
    await pages.alice.getByTestId('hold').filter({ hasText: /^Hold$/ }).waitFor({ timeout: LONG });
    expect(await pages.alice.getByTestId('consult-panel').isHidden()).toBe(true);
    expect(await trunkTone(c.media, TONES.alice)).toMatchObject({ detected: true });
    expect(await pageHears(pages.alice, TONES.caller)).toMatchObject({ detected: true });

    // bob's page has no call and no wrap-up to do: a consultation is not a customer call
    await waitForState(pages.bob, 'available');
    await pages.bob.locator('#call-panel[data-state="idle"]').waitFor({ timeout: LONG });
    expect(await pages.bob.getByTestId('wrapup-submit').isHidden()).toBe(true);

    await pages.alice.getByTestId('hangup').click();
    assertSippPassed(await c.sipp.done(), 1);
    await finishWrapUp(pages.alice);
    const record = await recordOf(rig!, c);
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'alice' });
    expect(record.segments).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'consult', operatorId: 'alice', target: 'operator:bob', result: 'ended' }),
    ]));
  }, 300_000);

  // Skipped: a known failure (#10). Complete transfer and Conference move a browser's peer connection
  // into another rtpengine session by an offerless re-INVITE. Every session of one rtpengine shows the
  // same certificate fingerprint, so Chromium apparently keeps its DTLS-SRTP keys of the old session and does not
  // answer the new session's handshake: rtpengine counts the moved page's packets as errors and sends
  // it nothing (measured: page out>0 in=0; rtpengine leg pk=596 err=3438; the trunk receives nothing).
  it.skip('a three-way conference: caller, alice and bob each hear the other two; when alice leaves, the caller and bob still hear each other', async () => {
    const { pages } = rig!;
    const c = await aliceConsultsBob();

    await pages.alice.getByTestId('consult-conference').click();
    await pages.alice.getByTestId('conference-status').filter({ hasText: 'Conference: you, the caller and Bob' }).waitFor({ timeout: LONG });
    await waitForMessage(pages.alice, /Conference with the caller and Bob/);
    expect(await pages.alice.getByTestId('hold').filter({ hasText: /^Hold$/ }).isVisible()).toBe(true);
    expect(await pages.alice.getByTestId('transfer').isDisabled()).toBe(true);

    expect(await trunkHearsEach(c.media, [TONES.alice, TONES.bob])).toHaveLength(2);
    expect(await pageHearsEach(pages.alice, [TONES.caller, TONES.bob])).toMatchObject({ detected: true });
    expect(await pageHearsEach(pages.bob, [TONES.caller, TONES.alice])).toMatchObject({ detected: true });

    await pages.alice.getByTestId('hangup').click();
    await pages.alice.getByTestId('wrapup-submit').waitFor({ timeout: LONG });
    expect(await trunkTone(c.media, TONES.bob)).toMatchObject({ detected: true });
    expect(await trunkTone(c.media, TONES.alice, false)).toMatchObject({ detected: false });
    expect(await pageHears(pages.bob, TONES.caller)).toMatchObject({ detected: true });

    await pages.bob.getByTestId('hangup').click();
    assertSippPassed(await c.sipp.done(), 1);
    await Promise.all([finishWrapUp(pages.alice), finishWrapUp(pages.bob)]);
    const record = await recordOf(rig!, c);
    expect(record.segments?.map((s) => s.kind)).toEqual(expect.arrayContaining(['consult', 'conference']));
  }, 300_000);
});
