import { readFileSync } from 'node:fs';
import { mediaAssetPath } from '../../media';
import { decodeWav } from '../../media/testing/wav';
import { detectTone, rms } from '../../media/testing/goertzel';
import { matchAudio, matchFraction } from '../../media/testing/audio-match';
import { newCallId, startTestRelay, type TestRelay } from './relay-fixture';

/** Music on hold played by rtpengine into the caller's (trunk) leg, then stopped. */
describe('music on hold on the trunk leg', () => {
  let relay: TestRelay;
  beforeAll(async () => { relay = await startTestRelay(); });
  afterAll(async () => { await relay?.dispose(); });

  it('reaches the caller as the asset, replaces the other party while playing, and stops when asked', async () => {
    const { relay: media } = relay;
    const caller = await relay.endpoint();
    const other = await relay.endpoint();
    const callId = newCallId('moh');
    const offer = await media.offer({ callId, fromTag: 'caller', sdp: caller.sdp(), from: 'trunk', to: 'trunk' });
    other.useRemoteSdp(offer.sdp);
    const answer = await media.answer({ callId, fromTag: 'caller', toTag: 'other', sdp: other.sdp(), from: 'trunk', to: 'trunk' });
    caller.useRemoteSdp(answer.sdp);
    caller.startSending(0, 0);
    other.startSending(1000);

    // The bridge works: the caller hears the other party's 1 kHz.
    caller.clearReceived();
    expect(detectTone(await caller.waitForSamples(8000), 8000, 1000).detected).toBe(true);

    const moh = decodeWav(readFileSync(mediaAssetPath('musicOnHold'))).samples;
    const played = await media.playMedia({ callId, tag: 'caller', file: mediaAssetPath('musicOnHold') });
    expect(played.durationMs === undefined || Math.abs(played.durationMs - 8000) < 200).toBe(true);
    caller.clearReceived();
    const heard = await caller.waitForSamples(8000 * 3);
    // Skip the first half second (the switch-over), then look for snippets of it in the asset.
    expect(rms(heard.subarray(4000))).toBeGreaterThan(300);
    expect(matchFraction(heard.subarray(4000), moh)).toBeGreaterThanOrEqual(0.8);
    expect(detectTone(heard.subarray(4000), 8000, 1000).ratio).toBeLessThan(0.2);

    await media.stopMedia({ callId, tag: 'caller' });
    await new Promise((r) => setTimeout(r, 300));
    caller.clearReceived();
    const after = await caller.waitForSamples(8000);
    expect(detectTone(after, 8000, 1000).detected).toBe(true);
    expect(matchAudio(after.subarray(0, 2000), moh, 2).correlation).toBeLessThan(0.5);

    await media.delete({ callId });
    expect(await media.listCalls()).not.toContain(callId);
  });
});
