import { MediaError, MediaErrorCode } from './errors';
import { silentLogger, type MediaLogger } from './logger';
import { LocalRtpengine, type LocalRtpengineOptions } from './rtpengine/local-rtpengine';
import { RtpengineRelay } from './rtpengine/rtpengine-relay';
import { DtmfLog } from './rtpengine/dtmf-log';

export interface MediaRelayConfig {
  /** An rtpengine to use; when absent, a local one is started (the embedded default). */
  rtpengine?: { host: string; port: number };
  /** Options of the embedded rtpengine (ignored when `rtpengine` is set). */
  local?: Omit<LocalRtpengineOptions, 'logger'>;
  /** Record every call (needs `local.recordingDir`, or a recording-enabled external rtpengine). */
  recordCalls?: boolean;
  timeoutMs?: number;
  healthCheckIntervalMs?: number;
  /** See RtpengineRelayOptions.sessionCheckIntervalMs. */
  sessionCheckIntervalMs?: number;
  logger?: MediaLogger;
}

export interface RunningMediaRelay {
  relay: RtpengineRelay;
  /** The embedded rtpengine, when one was started. */
  local: LocalRtpengine | undefined;
  /** Closes the relay and stops the embedded rtpengine. Idempotent. */
  close(): Promise<void>;
}

/**
 * Connects to the configured rtpengine, or starts the embedded one, checks that it answers
 * `ping`, and wires process exits to the relay's `down` event (the embedded one is restarted,
 * after which the health check reports `up`).
 */
export async function startMediaRelay(config: MediaRelayConfig = {}): Promise<RunningMediaRelay> {
  const logger = config.logger ?? silentLogger;
  let local: LocalRtpengine | undefined;
  let dtmfLog: DtmfLog | undefined;
  let address = config.rtpengine;
  if (!address) {
    // The embedded rtpengine reports the DTMF events it sees to a socket of ours (`dtmf` events).
    dtmfLog = await DtmfLog.open({ host: config.local?.host, logger });
    local = new LocalRtpengine({
      ...config.local, logger, extraArgs: [`--dtmf-log-dest=${dtmfLog.address}`, ...(config.local?.extraArgs ?? [])],
    });
    try {
      await local.start();
    } catch (err) {
      await dtmfLog.close();
      throw err;
    }
    address = { host: local.host, port: local.port };
  }
  const relay = new RtpengineRelay({
    ...address, logger, recordCalls: config.recordCalls, timeoutMs: config.timeoutMs, healthCheckIntervalMs: config.healthCheckIntervalMs,
    sessionCheckIntervalMs: config.sessionCheckIntervalMs,
  });
  dtmfLog?.on('dtmf', (entry) => relay.reportDtmf(entry));
  if (local) {
    const l = local;
    l.on('exit', (info) => {
      if (!info.expected) {
        relay.markDown(new MediaError(MediaErrorCode.RelayDown,
          `the embedded rtpengine exited (${info.signal ?? `code ${info.code}`}); its calls are lost`));
      }
    });
  }
  try {
    await relay.ping();
  } catch (err) {
    await relay.close();
    await local?.stop();
    await dtmfLog?.close();
    throw err;
  }
  let closed = false;
  return {
    relay,
    local,
    async close() {
      if (closed) return;
      closed = true;
      await relay.close();
      await local?.stop();
      await dtmfLog?.close();
    },
  };
}
