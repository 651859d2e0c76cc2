import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchTestBrowser, openBlankPage } from '../../media/testing/browser';
import type { CodecPolicy } from '../../media';
import { BrowserPeer } from '../../media/testing/webrtc-peer';
import { detectTone } from '../../media/testing/goertzel';
import { sineWav } from '../../media/testing/wav';
import type { RtpEndpoint } from '../../media/testing/rtp-endpoint';
import { newCallId, type TestRelay } from './relay-fixture';

/** Waits until the trunk endpoint's last second of received audio carries `frequency`. */
export async function trunkHears(trunk: RtpEndpoint, frequency: number, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let last = { detected: false, ratio: 0, rms: 0 };
  while (Date.now() < deadline) {
    const samples = trunk.receivedSamples();
    if (samples.length >= 8000) {
      last = detectTone(samples.subarray(samples.length - 8000), 8000, frequency);
      if (last.detected) return last;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

/** Headless Chromium whose fake microphone plays `frequency` Hz; `close()` removes the WAV too. */
export async function startMicBrowser(frequency: number): Promise<{ browser: Browser; close(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-in-call-'));
  const mic = join(dir, `mic-${frequency}.wav`);
  await writeFile(mic, sineWav({ frequency, sampleRate: 48000, seconds: 10, amplitude: 0.5 }));
  try {
    const browser = await launchTestBrowser({ fakeAudioFile: mic });
    return {
      browser,
      async close() {
        await browser.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface ConnectedCall {
  callId: string;
  caller: RtpEndpoint;
  peer: BrowserPeer;
  /** The relay's answer to the browser's offer. */
  answerSdp: string;
  /** Closes the browser page and deletes the call. */
  end(): Promise<void>;
}

/**
 * The contact-centre path up to a connected call: a trunk caller (G.711, sending `callerHz`) is
 * parked, then a browser operator joins with its own offer (connectParked).
 */
export async function connectOperator(relay: TestRelay, browser: Browser, o: { callerHz: number; codec?: 'PCMU' | 'PCMA'; prefix: string; codecPolicy?: CodecPolicy }): Promise<ConnectedCall> {
  const media = relay.relay;
  const caller = await relay.endpoint({ codec: o.codec ?? 'PCMU' });
  const callId = newCallId(o.prefix);
  const parked = await media.park({ callId, fromTag: 'caller', sdp: caller.sdp() });
  caller.useRemoteSdp(parked.sdp);
  caller.startSending(o.callerHz);
  const peer = new BrowserPeer(await openBlankPage(browser));
  const end = async (): Promise<void> => {
    await peer.close();
    await peer.page.context().close();
    await media.delete({ callId });
  };
  try {
    const answer = await media.connectParked({ callId, legTag: 'operator', sdp: await peer.offer(), from: 'browser', ...(o.codecPolicy ? { codecPolicy: o.codecPolicy } : {}) });
    await peer.acceptAnswer(answer.sdp);
    await relay.explain(peer.waitConnected(20000), 150);
    return { callId, caller, peer, answerSdp: answer.sdp, end };
  } catch (err) {
    await end();
    throw err;
  }
}
