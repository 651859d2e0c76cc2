import { MediaErrorCode, RtpengineRelay, type MediaError } from '../../media';
import { newCallId, startTestRelay, type TestRelay } from './relay-fixture';

function nextEvent<T extends unknown[]>(subscribe: (listener: (...args: T) => void) => void, what: string, timeoutMs = 10000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    subscribe((...args) => { clearTimeout(t); resolve(args); });
  });
}

/** rtpengine killed in the middle of a call. */
describe('relay failure', () => {
  let relay: TestRelay;
  beforeAll(async () => { relay = await startTestRelay(); });
  afterAll(async () => { await relay?.dispose(); });

  it('reports down, fails the next offer fast, restarts the embedded rtpengine and reports up', async () => {
    const { relay: media, local } = relay;
    const caller = await relay.endpoint();
    const other = await relay.endpoint();
    const callId = newCallId('kill');
    const offer = await media.offer({ callId, fromTag: 'caller', sdp: caller.sdp(), from: 'trunk', to: 'trunk' });
    other.useRemoteSdp(offer.sdp);
    caller.useRemoteSdp((await media.answer({ callId, fromTag: 'caller', toTag: 'other', sdp: other.sdp(), from: 'trunk', to: 'trunk' })).sdp);
    caller.startSending(1000);
    await other.waitForSamples(1600);

    const oldPid = local!.pid!;
    const down = nextEvent<[MediaError]>((l) => media.once('down', l), 'down');
    const restarted = nextEvent<[{ pid: number }]>((l) => local!.once('ready', l), 'restart');
    process.kill(oldPid, 'SIGKILL');
    const [error] = await down;
    expect(error.code).toBe(MediaErrorCode.RelayDown);
    expect(media.state).toBe('down');

    const started = Date.now();
    const failed = await media.offer({ callId: newCallId('after'), fromTag: 'x', sdp: caller.sdp(), from: 'trunk', to: 'browser' }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: MediaErrorCode.RelayDown, message: expect.stringMatching(/media relay is down/) });
    expect(Date.now() - started).toBeLessThan(1000); // no ng round trip, no timeout

    const [{ pid }] = await restarted;
    expect(pid).not.toBe(oldPid);
    await nextEvent<[]>((l) => (media.state === 'up' ? l() : media.once('up', l)), 'up');
    // A fresh rtpengine: the old call is gone, new calls work.
    expect(await media.listCalls()).not.toContain(callId);
    const again = newCallId('again');
    await expect(media.offer({ callId: again, fromTag: 'x', sdp: caller.sdp(), from: 'trunk', to: 'browser' })).resolves.toHaveProperty('sdp');
    await media.delete({ callId: again });
  });

  it('an unreachable rtpengine (no process) fails fast with ERR_MEDIA_RELAY_DOWN, never hangs', async () => {
    const lonely = new RtpengineRelay({ host: '127.0.0.1', port: 9, timeoutMs: 5000, healthCheckIntervalMs: 0 });
    try {
      const started = Date.now();
      await expect(lonely.ping()).rejects.toMatchObject({ code: MediaErrorCode.RelayDown });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await lonely.close();
      await lonely.close();
      await expect(lonely.ping()).rejects.toMatchObject({ code: MediaErrorCode.InvalidState });
    }
  });
});
