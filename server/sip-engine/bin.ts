#!/usr/bin/env node
/**
 * switchboard-sip-engine: the SIP engine on its own, as a drop-in for drachtio-server.
 *   switchboard-sip-engine --contact "sip:127.0.0.1:5060;transport=udp,tcp" --port 9022 --secret cymru
 */
import pino from 'pino';
import { ENGINE_VERSION, SipEngine } from './engine';
import { parseContact } from './contact';
import type { ListenSpec } from './transport/types';
import type { SourceLimitsOptions } from './transport/source-limits';
import type { EngineCompat } from './drachtio/server-compat';

const USAGE = `usage: switchboard-sip-engine [options]
  --contact URI       SIP address to listen on, repeatable (default sip:127.0.0.1:5060;transport=udp,tcp)
  --address ADDR      admin socket address (default 127.0.0.1)
  --port N            admin socket port for drachtio-srf apps (default 9022)
  --secret S          shared secret apps authenticate with (default cymru)
  --tls-cert FILE     PEM certificate for transport=tls and wss contacts
  --tls-key FILE      PEM private key for transport=tls and wss contacts
  --tls-ca FILE       PEM certificates trusted when verifying servers reached over TLS
  --tls-no-verify H   do not verify the certificate of host H (or H:port), repeatable
  --source-rate N     requests/s one source address may send; over it, its requests are dropped
                      silently for --source-block seconds (default: no request rate limit)
  --source-burst N    requests one source may send at once (default 40)
  --source-block S    seconds a source over its rate is ignored (default 10)
  --max-connections N TCP/TLS/WebSocket connections per source address (default 100)
  --incomplete-timeout S  close a stream whose message (or handshake) is not whole after S seconds (default 10)
  --trusted ADDR      address or CIDR range exempt from the rate and connection limits, repeatable
  --compat drachtio-server  behave as a real drachtio-server where apps see it (WebSocket traffic
                      reported as tcp, no notice when a connection closes, its contact cache, 410 Gone
                      for a closed WebSocket), for testing apps meant to run against one
  --loglevel LEVEL    debug | info | warn | error (default info)
  --version           print the version`;

export interface BinOptions {
  listen: ListenSpec[];
  adminAddress: string;
  adminPort: number;
  secret: string;
  logLevel: string;
  sourceLimits: Partial<SourceLimitsOptions>;
  compat?: EngineCompat;
}

const positive = (flag: string, value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag}: expected a positive whole number, got "${value}"`);
  return n;
};

export function parseArgs(argv: string[]): BinOptions | 'help' | 'version' {
  const contacts: string[] = [];
  const opts: { adminAddress: string; adminPort: number; secret: string; logLevel: string; compat?: EngineCompat } = {
    adminAddress: '127.0.0.1', adminPort: 9022, secret: 'cymru', logLevel: 'info',
  };
  const tls: { cert?: string; key?: string; ca?: string; noVerify: string[] } = { noVerify: [] };
  const sourceLimits: Partial<SourceLimitsOptions> & { trusted: string[] } = { requestsPerSecond: Infinity, trusted: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--version' || flag === '-v') return 'version';
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    i++;
    switch (flag) {
      case '--contact': contacts.push(value); break;
      case '--address': opts.adminAddress = value; break;
      case '--port': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port: expected a port number, got "${value}"`);
        opts.adminPort = n;
        break;
      }
      case '--secret': opts.secret = value; break;
      case '--tls-cert': tls.cert = value; break;
      case '--tls-key': tls.key = value; break;
      case '--tls-ca': tls.ca = value; break;
      case '--tls-no-verify': tls.noVerify.push(value); break;
      case '--source-rate': sourceLimits.requestsPerSecond = positive(flag, value); break;
      case '--source-burst': sourceLimits.burst = positive(flag, value); break;
      case '--source-block': sourceLimits.blockSeconds = positive(flag, value); break;
      case '--max-connections': sourceLimits.maxConnectionsPerSource = positive(flag, value); break;
      case '--incomplete-timeout': sourceLimits.incompleteMessageSeconds = positive(flag, value); break;
      case '--trusted': sourceLimits.trusted.push(value); break;
      case '--compat':
        if (value !== 'drachtio-server') throw new Error(`--compat: expected drachtio-server, got "${value}"`);
        opts.compat = value;
        break;
      case '--loglevel':
        if (!['debug', 'info', 'warn', 'error'].includes(value)) throw new Error(`--loglevel: expected debug, info, warn or error, got "${value}"`);
        opts.logLevel = value;
        break;
      default: throw new Error(`unknown option ${flag}`);
    }
  }
  const listen = (contacts.length ? contacts : ['sip:127.0.0.1:5060;transport=udp,tcp']).flatMap(parseContact);
  for (const spec of listen) {
    if (spec.protocol !== 'tls' && spec.protocol !== 'wss') continue;
    if (!tls.cert || !tls.key) throw new Error(`a ${spec.protocol} contact needs --tls-cert and --tls-key`);
    spec.tls = { cert: tls.cert, key: tls.key, ...(tls.ca ? { ca: tls.ca } : {}), noVerify: tls.noVerify };
  }
  return { ...opts, listen, sourceLimits };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`switchboard-sip-engine: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (parsed === 'help') return void process.stdout.write(`${USAGE}\n`);
  if (parsed === 'version') return void process.stdout.write(`${ENGINE_VERSION}\n`);
  const logger = pino({ level: parsed.logLevel, base: { component: 'sip-engine' } });
  let engine: SipEngine;
  try {
    engine = new SipEngine({
      listen: parsed.listen, admin: { address: parsed.adminAddress, port: parsed.adminPort, secret: parsed.secret },
      sourceLimits: parsed.sourceLimits, logger, ...(parsed.compat ? { compat: parsed.compat } : {}),
    });
    await engine.start();
  } catch (err) {
    logger.error({ err }, 'failed to start');
    process.exit(1);
  }
  logger.info({ sip: engine.hostports(), admin: `${parsed.adminAddress}:${engine.adminPort}` }, 'switchboard-sip-engine listening');
  const stop = () => void engine.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) void main();
