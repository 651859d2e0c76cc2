/**
 * The start-up banner printed to stdout once Switchboard listens: where the softphone is, where SIP
 * listens, which numbers to call. It never prints a secret: operators are named, and the banner
 * says in which configuration file (and field) their passwords are.
 */
import type { Config } from '../../config';

export interface BannerAddress {
  address: string;
  port: number;
}

export interface BannerInput {
  config: Config;
  /** The configuration files in the order they were loaded (named where credentials are). */
  configFiles: readonly string[];
  /** What the SIP side listens on, e.g. the engine's `hostports`, or `host:port (drachtio-server)`. */
  sip: string;
  /** A UDP or TCP SIP listener callers can reach, for the `Call sip:…` lines; absent: numbers only. */
  sipAddress?: BannerAddress;
  /** Where HTTP really listens (when port 0 was configured); default config.http. */
  http?: BannerAddress;
}

/** The banner text (several lines, ends with a blank line). Pure: same input, same text. */
export function startupBanner(input: BannerInput): string {
  const { config } = input;
  const http = input.http ?? { address: config.http.address, port: config.http.port };
  const lines = [
    '',
    'Switchboard is running.',
    `  Softphone: ${config.http.publicUrl ?? `${config.http.tls ? 'https' : 'http'}://${hostForUrl(http.address)}:${http.port}/`}`,
  ];
  if (config.operators.length > 0) {
    lines.push(`  Operators: ${config.operators.map((o) => o.sip.username).join(', ')}`);
    const files = input.configFiles.length > 0 ? input.configFiles.join(', ') : 'the configuration';
    const kinds = new Set(config.operators.map((o) => (o.sip.password !== undefined ? 'operators[].sip.password' : 'operators[].sip.ha1')));
    lines.push(`    (credentials: ${[...kinds].join(' / ')} in ${files}; never printed)`);
  }
  lines.push(`  SIP: ${input.sip}`);
  const at = input.sipAddress;
  for (const n of config.numbers) {
    lines.push(`  Call ${at ? `sip:${n.number}@${hostForUrl(at.address)}:${at.port}` : n.number} → queue ${n.queue}`);
  }
  lines.push('', '');
  return lines.join('\n');
}

function hostForUrl(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}
