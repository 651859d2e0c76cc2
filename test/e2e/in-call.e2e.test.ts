/**
 * In-call control as operators use it: the real server (dist/), the softphone page in headless
 * Chromium for alice (microphone 440 Hz) and bob (660 Hz), SIPp as the trunk with an RTP endpoint
 * sending 1 kHz. Every call-control button is pressed — Hold/Resume, Mute, the keypad, Transfer to an
 * operator (answered and declined) and to a queue — and the outcome is checked as audio at both ends,
 * as RFC 4733 events at the trunk, on the page, and in the call record.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { assertSippPassed } from '../support/sipp';
import { waitFor } from '../support/processes';
import {
  CALLER, LONG, TONES, answer, callIn, chooseTransferTarget, finishWrapUp, login, pageHears, startRig, tidyUp, trunkMusic, trunkTone,
  waitForMessage, waitForState, type Rig, type TrunkCall,
} from './in-call-fixture';

const SCREENSHOT = path.join(__dirname, '../../docs/softphone-transfer.png');

interface RecordJson {
  callId: string;
  caller: string;
  outcome: string;
  operatorId?: string;
  segments?: Array<{ kind: string; operatorId?: string; target?: string; result?: string; queue?: string }>;
}

describe('in-call control from the softphone page (hold, mute, keypad, transfer)', () => {
  let rig: Rig | undefined;
  let call: TrunkCall | undefined;

  beforeAll(async () => {
    rig = await startRig();
  }, 180_000);
  afterEach(async () => {
    if (rig) await tidyUp(rig, call);
    call = undefined;
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
  }, 60_000);

  /** A trunk call answered by alice, with the tones flowing both ways. */
  async function connectedToAlice(): Promise<TrunkCall> {
    const { server, pages } = rig!;
    call = await callIn(server);
    await answer(pages.alice, 'support');
    expect(await trunkTone(call.media, TONES.alice)).toMatchObject({ detected: true });
    expect(await pageHears(pages.alice, TONES.caller)).toMatchObject({ detected: true });
    return call;
  }

  /** Alice hangs up; the trunk's scenario ends cleanly and alice finishes her wrap-up. */
  async function aliceHangsUp(c: TrunkCall): Promise<void> {
    await rig!.pages.alice.getByTestId('hangup').click();
    assertSippPassed(await c.sipp.done(), 1);
    await finishWrapUp(rig!.pages.alice);
  }

  /** The record of call `c` (the only call that arrived since it started), once the call has ended. */
  async function recordOf(c: TrunkCall): Promise<RecordJson> {
    const token = await login(rig!, 'alice');
    let found: RecordJson[] = [];
    await waitFor(async () => {
      found = (await rig!.server.api<{ records: RecordJson[] }>(token, `/api/calls/records?from=${c.startedAt}`)).records;
      return found.length > 0;
    }, 'the call record', LONG);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ caller: CALLER });
    return found[0]!;
  }

  it('Hold plays music to the caller and shows the held time; Resume brings both tones back; Mute silences the operator', async () => {
    const { pages, music } = rig!;
    const c = await connectedToAlice();

    await pages.alice.getByTestId('hold').click();
    await pages.alice.getByTestId('hold').filter({ hasText: 'Resume' }).waitFor({ timeout: LONG });
    const held = await trunkMusic(c.media, music);
    expect(held.fraction).toBeGreaterThanOrEqual(0.5);
    expect(held.operatorTone.detected).toBe(false);
    await pages.alice.getByTestId('held-time').filter({ hasText: /On hold \d+:\d\d/ }).waitFor({ timeout: LONG });
    // the held time counts up
    const shown = await pages.alice.getByTestId('held-time').textContent();
    await pages.alice.getByTestId('held-time').filter({ hasNotText: shown ?? '' }).waitFor({ timeout: LONG });

    await pages.alice.getByTestId('hold').click();
    await pages.alice.getByTestId('hold').filter({ hasText: /^Hold$/ }).waitFor({ timeout: LONG });
    expect(await pages.alice.getByTestId('held-time').isHidden()).toBe(true);
    expect(await trunkTone(c.media, TONES.alice)).toMatchObject({ detected: true });
    expect(await pageHears(pages.alice, TONES.caller)).toMatchObject({ detected: true });

    await pages.alice.getByTestId('mute').click();
    await pages.alice.getByTestId('mute').filter({ hasText: 'Unmute' }).waitFor({ timeout: LONG });
    expect(await trunkTone(c.media, TONES.alice, false)).toMatchObject({ detected: false });
    await pages.alice.getByTestId('mute').click();
    await pages.alice.getByTestId('mute').filter({ hasText: /^Mute/ }).waitFor({ timeout: LONG });
    expect(await trunkTone(c.media, TONES.alice)).toMatchObject({ detected: true });

    await aliceHangsUp(c);
    const record = await recordOf(c);
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'alice' });
    expect(record.segments?.map((s) => s.kind)).toContain('held');
  }, 240_000);

  it('the keypad sends RFC 4733 digits to the trunk in order and shows them', async () => {
    const { pages } = rig!;
    const c = await connectedToAlice();
    c.media.clearDtmf();
    for (const digit of ['1', '2', '3', '#']) await pages.alice.getByTestId(`dtmf-${digit}`).click();
    expect(await c.media.waitForDigits(4, LONG)).toBe('123#');
    expect(c.media.receivedDtmf().every((d) => d.ended && d.duration > 0)).toBe(true);
    await pages.alice.getByTestId('sent-digits').filter({ hasText: 'Sent: 123#' }).waitFor({ timeout: LONG });
    await aliceHangsUp(c);
  }, 240_000);

  it('a blind transfer to bob: bob answers, the caller and bob hear each other, alice wraps up, the record shows the transfer', async () => {
    const { pages } = rig!;
    const c = await connectedToAlice();

    await chooseTransferTarget(pages.alice, 'bob');
    await pages.bob.getByTestId('operator-state').filter({ hasText: 'available' }).waitFor({ timeout: LONG });
    if (!existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOTS === '1') await pages.alice.screenshot({ path: SCREENSHOT });
    await pages.alice.getByTestId('transfer-go').click();
    await waitForMessage(pages.alice, /Transferring to Bob/);

    // while bob's phone rings, the caller hears music, not alice
    await pages.bob.getByTestId('incoming-call').waitFor({ timeout: LONG });
    const waiting = await trunkMusic(c.media, rig!.music);
    expect(waiting.fraction).toBeGreaterThanOrEqual(0.5);
    expect(waiting.operatorTone.detected).toBe(false);
    await answer(pages.bob, 'support');

    expect(await trunkTone(c.media, TONES.bob)).toMatchObject({ detected: true });
    expect(await pageHears(pages.bob, TONES.caller)).toMatchObject({ detected: true });
    await waitForMessage(pages.alice, /Call transferred to Bob/);
    await pages.alice.getByTestId('wrapup-submit').waitFor({ timeout: LONG });
    expect(await pages.alice.getByTestId('hangup').isHidden()).toBe(true);

    await pages.bob.getByTestId('hangup').click();
    assertSippPassed(await c.sipp.done(), 1);
    await Promise.all([finishWrapUp(pages.alice), finishWrapUp(pages.bob)]);

    const record = await recordOf(c);
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'bob' });
    const kinds = record.segments?.map((s) => s.kind) ?? [];
    expect(kinds).toEqual(expect.arrayContaining(['queued', 'answered', 'transferred']));
    expect(record.segments).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'transferred', operatorId: 'alice', target: 'operator:bob', result: 'completed' }),
      expect.objectContaining({ kind: 'answered', operatorId: 'alice' }),
      expect.objectContaining({ kind: 'answered', operatorId: 'bob' }),
    ]));
  }, 240_000);

  it('a transfer bob declines brings the caller back to alice with a message, tones both ways again', async () => {
    const { pages } = rig!;
    const c = await connectedToAlice();

    await chooseTransferTarget(pages.alice, 'bob');
    await pages.alice.getByTestId('transfer-go').click();
    await pages.bob.getByTestId('incoming-call').waitFor({ timeout: LONG });
    await pages.bob.getByTestId('decline').click();

    await waitForMessage(pages.alice, /Transfer to Bob failed: the target declined\. The caller is back with you/);
    expect(await pages.alice.getByTestId('hangup').isVisible()).toBe(true);
    expect(await trunkTone(c.media, TONES.alice)).toMatchObject({ detected: true });
    expect(await pageHears(pages.alice, TONES.caller)).toMatchObject({ detected: true });
    await waitForState(pages.bob, 'available');

    await aliceHangsUp(c);
    const record = await recordOf(c);
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'alice' });
    expect(record.segments).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'transferred', target: 'operator:bob', result: 'failed' }),
    ]));
  }, 240_000);

  it('a transfer to the queue sales queues the caller there and rings bob', async () => {
    const { server, pages } = rig!;
    const c = await connectedToAlice();

    await chooseTransferTarget(pages.alice, 'queue-sales');
    await pages.alice.getByTestId('transfer-go').click();
    await pages.bob.getByTestId('incoming-call').waitFor({ timeout: LONG });
    const token = await login(rig!, 'alice');
    const { calls } = await server.api<{ calls: Array<{ caller: string; queue: string; state: string }> }>(token, '/api/calls/live');
    expect(calls).toEqual([expect.objectContaining({ caller: CALLER, queue: 'sales', state: 'ringing' })]);
    await waitForMessage(pages.alice, /Call transferred to queue sales/);
    await pages.alice.getByTestId('wrapup-submit').waitFor({ timeout: LONG });

    await answer(pages.bob, 'sales');
    expect(await trunkTone(c.media, TONES.bob)).toMatchObject({ detected: true });
    expect(await pageHears(pages.bob, TONES.caller)).toMatchObject({ detected: true });
    await pages.bob.getByTestId('hangup').click();
    assertSippPassed(await c.sipp.done(), 1);
    await Promise.all([finishWrapUp(pages.alice), finishWrapUp(pages.bob)]);

    const record = await recordOf(c);
    expect(record).toMatchObject({ outcome: 'answered', operatorId: 'bob' });
    expect(record.segments).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'transferred', operatorId: 'alice', target: 'queue:sales', result: 'completed' }),
      expect.objectContaining({ kind: 'queued', queue: 'sales' }),
    ]));
  }, 240_000);
});
