/**
 * Switchboard's entry point: loads the configuration (SWITCHBOARD_CONFIG, a comma-separated list of
 * YAML files, default config/demo.yaml, plus SWITCHBOARD_* environment overrides), starts every part
 * through the composition root (server/switchboard.ts), prints where to reach it, and on SIGTERM or
 * SIGINT drains (new calls refused, calls in progress given ops.drainTimeoutMs) and stops.
 */
import * as path from 'node:path';
import pino from 'pino';
import { loadConfig, readConfigFiles, redactConfig, type Config } from '../config';
import { createSwitchboard, StartupError, type Switchboard } from './switchboard';
import { startupBanner } from './ops/banner';

async function main(): Promise<void> {
  const files = (process.env.SWITCHBOARD_CONFIG ?? path.join(__dirname, '../../config/demo.yaml')).split(',');
  let config: Config;
  try {
    config = loadConfig(process.env, readConfigFiles(files));
  } catch (err) {
    process.stderr.write(`switchboard: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const log = pino({ level: config.logging.level, base: { app: 'switchboard' } });
  log.info({ config: redactConfig(config) }, 'configuration loaded');

  let sb: Switchboard;
  try {
    sb = await createSwitchboard(config, { log });
  } catch (err) {
    if (err instanceof StartupError) {
      log.fatal({ part: err.part, cause: (err.cause as Error | undefined)?.message }, err.message);
      process.stderr.write(`switchboard: ${err.message}\n`);
    } else log.fatal({ err }, 'Switchboard could not start');
    process.exit(1);
  }
  log.info({ sip: sb.engine?.hostports }, 'Switchboard is running');
  const { engine } = sb;
  const sipAddress = sb.sipListening.find((l) => l.protocol === 'udp' || l.protocol === 'tcp');
  const sip = engine ? engine.hostports : config.sip.engine.mode === 'drachtio' ? `${config.sip.engine.host}:${config.sip.engine.port} (drachtio-server)` : '';
  process.stdout.write(startupBanner({
    config, configFiles: files, sip, http: { address: config.http.address, port: sb.httpPort },
    ...(sipAddress ? { sipAddress: { address: sipAddress.address, port: sipAddress.port } } : {}),
  }));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return void log.info({ signal }, 'already draining');
    stopping = true;
    log.info({ signal, calls: sb.center.size, drainTimeoutMs: config.ops.drainTimeoutMs }, 'draining');
    await sb.drain(config.ops.drainTimeoutMs);
    log.info({ signal }, 'stopping');
    await sb.stop();
    process.exit(0);
  };
  // a repeated signal (Ctrl-C reaches both `npm start` and the server) must not cut the drain short
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
