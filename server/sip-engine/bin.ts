#!/usr/bin/env node
/**
 * switchboard-sip-engine: the SIP engine on its own, as a drop-in for drachtio-server.
 *   switchboard-sip-engine --contact "sip:127.0.0.1:5060;transport=udp,tcp" --port 9022 --secret cymru
 */
import pino from 'pino';
import { ENGINE_VERSION, SipEngine } from './engine';
import { parseContact } from './contact';
import type { ListenSpec } from './transport/types';

const USAGE = `usage: switchboard-sip-engine [options]
  --contact URI       SIP address to listen on, repeatable (default sip:127.0.0.1:5060;transport=udp,tcp)
  --address ADDR      admin socket address (default 127.0.0.1)
  --port N            admin socket port for drachtio-srf apps (default 9022)
  --secret S          shared secret apps authenticate with (default cymru)
  --tls-cert FILE     PEM certificate for transport=tls and wss contacts
  --tls-key FILE      PEM private key for transport=tls and wss contacts
  --tls-ca FILE       PEM certificates trusted when verifying servers reached over TLS
  --tls-no-verify H   do not verify the certificate of host H (or H:port), repeatable
  --loglevel LEVEL    debug | info | warn | error (default info)
  --version           print the version`;

export interface BinOptions {
  listen: ListenSpec[];
  adminAddress: string;
  adminPort: number;
  secret: string;
  logLevel: string;
}

export function parseArgs(argv: string[]): BinOptions | 'help' | 'version' {
  const contacts: string[] = [];
  const opts = { adminAddress: '127.0.0.1', adminPort: 9022, secret: 'cymru', logLevel: 'info' };
  const tls: { cert?: string; key?: string; ca?: string; noVerify: string[] } = { noVerify: [] };
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
  return { ...opts, listen };
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
  const engine = new SipEngine({ listen: parsed.listen, admin: { address: parsed.adminAddress, port: parsed.adminPort, secret: parsed.secret }, logger });
  try {
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
