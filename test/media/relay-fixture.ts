import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { startMediaRelay, type MediaRelayConfig, type RunningMediaRelay } from '../../media';
import { RtpEndpoint } from '../../media/testing/rtp-endpoint';

export interface TestRelay extends RunningMediaRelay {
  recordingDir: string;
  /** Awaits `work`; on failure adds the tail of rtpengine's log to the error message. */
  explain<T>(work: Promise<T>, lines?: number): Promise<T>;
  /** Closes endpoints, the relay and rtpengine, and removes the recording directory. */
  dispose(): Promise<void>;
  endpoint(...args: Parameters<typeof RtpEndpoint.open>): Promise<RtpEndpoint>;
}

/**
 * Starts a private rtpengine for one test file: its own ng port (OS-picked) and a random
 * 200-port RTP range below the ephemeral range, recording into a temp directory.
 */
export async function startTestRelay(config: Omit<MediaRelayConfig, 'local'> & { local?: MediaRelayConfig['local'] } = {}): Promise<TestRelay> {
  const recordingDir = await mkdtemp(join(tmpdir(), 'switchboard-rec-'));
  const portMin = 20000 + 200 * randomInt(0, 60);
  const running = await startMediaRelay({
    healthCheckIntervalMs: 250,
    ...config,
    // The machine running the tests may be busy (browsers start alongside): allow a slow start.
    local: { portMin, portMax: portMin + 199, recordingDir, startTimeoutMs: 20000, ...config.local },
  });
  const endpoints: RtpEndpoint[] = [];
  return {
    ...running,
    recordingDir,
    async explain(work, lines = 60) {
      try {
        return await work;
      } catch (err) {
        const log = running.local?.recentOutput.trim().split('\n').slice(-lines).join('\n') ?? '';
        throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- rtpengine log (last ${lines} lines) ---\n${log}`, { cause: err });
      }
    },
    async endpoint(...args) {
      const e = await RtpEndpoint.open(...args);
      endpoints.push(e);
      return e;
    },
    async dispose() {
      await Promise.all(endpoints.map((e) => e.close()));
      await running.close();
      await rm(recordingDir, { recursive: true, force: true });
    },
  };
}

let calls = 0;
/** A call id unique within the test run. */
export const newCallId = (prefix = 'call'): string => `${prefix}-${process.pid}-${++calls}-${randomInt(1e9)}`;
