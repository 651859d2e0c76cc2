/**
 * Environment variables that override the configuration files (the table is in config/README.md).
 * Named variables cover what deployments change most; `SWITCHBOARD__a__b=value` reaches any field.
 * An empty variable counts as unset.
 */
import type { ConfigProblem } from './config-error';
import { describeValue } from './config-error';
import { SECRET_KEYS } from './redact';

export type EnvKind = 'string' | 'integer' | 'contacts' | 'drachtio' | 'rtpengine';

export interface EnvVarSpec {
  name: string;
  /** The configuration field it sets. */
  path: readonly string[];
  kind: EnvKind;
}

export const ENV_VARS: readonly EnvVarSpec[] = [
  { name: 'SWITCHBOARD_LOG_LEVEL', path: ['logging', 'level'], kind: 'string' },
  { name: 'SWITCHBOARD_HTTP_ADDRESS', path: ['http', 'address'], kind: 'string' },
  { name: 'SWITCHBOARD_HTTP_PORT', path: ['http', 'port'], kind: 'integer' },
  { name: 'SWITCHBOARD_HTTP_PUBLIC_URL', path: ['http', 'publicUrl'], kind: 'string' },
  { name: 'SWITCHBOARD_SIP_LISTEN', path: ['sip', 'listen'], kind: 'contacts' },
  { name: 'SWITCHBOARD_SIP_WS_ADDRESS', path: ['sip', 'ws', 'address'], kind: 'string' },
  { name: 'SWITCHBOARD_SIP_WS_PORT', path: ['sip', 'ws', 'port'], kind: 'integer' },
  { name: 'SWITCHBOARD_SIP_PUBLIC_ADDRESS', path: ['sip', 'publicAddress'], kind: 'string' },
  { name: 'SWITCHBOARD_SIP_REALM', path: ['sip', 'realm'], kind: 'string' },
  { name: 'SWITCHBOARD_DRACHTIO', path: ['sip', 'engine'], kind: 'drachtio' },
  { name: 'SWITCHBOARD_DRACHTIO_SECRET', path: ['sip', 'engine', 'secret'], kind: 'string' },
  { name: 'SWITCHBOARD_RTPENGINE', path: ['media', 'rtpengine'], kind: 'rtpengine' },
  { name: 'SWITCHBOARD_REDIS_URL', path: ['redis', 'url'], kind: 'string' },
  { name: 'SWITCHBOARD_REDIS_PREFIX', path: ['redis', 'prefix'], kind: 'string' },
  { name: 'SWITCHBOARD_RECORDS_URL', path: ['records', 'url'], kind: 'string' },
  { name: 'SWITCHBOARD_RECORDS_DIR', path: ['records', 'dir'], kind: 'string' },
];

/** `SWITCHBOARD__media__recording__enabled=true` sets media.recording.enabled. */
export const GENERIC_PREFIX = 'SWITCHBOARD__';

/** Fields whose generic override is always text, never JSON (a password 1234 stays "1234"). */
const TEXT_FIELDS: ReadonlySet<string> = new Set([...SECRET_KEYS, 'username', 'number']);

export interface EnvOverride {
  /** The variable it came from, named in error messages. */
  name: string;
  path: string[];
  value: unknown;
}

/** The overrides found in `env`, in the order they apply: named variables, then generic ones (shallow paths first). */
export function envOverrides(env: Record<string, string | undefined>): { overrides: EnvOverride[]; problems: ConfigProblem[] } {
  const overrides: EnvOverride[] = [];
  const problems: ConfigProblem[] = [];
  for (const spec of ENV_VARS) {
    const raw = env[spec.name];
    if (raw === undefined || raw === '') continue;
    const value = convert(spec.kind, raw.trim());
    if (value === INVALID) {
      problems.push({ path: spec.path.join('.'), message: `expected host:port or "embedded" (got ${describeValue(raw, spec.path)}) [from ${spec.name}]` });
    } else {
      overrides.push({ name: spec.name, path: [...spec.path], value });
    }
  }
  const generic = Object.keys(env)
    .filter((name) => name.startsWith(GENERIC_PREFIX) && env[name] !== undefined && env[name] !== '')
    .map((name) => ({ name, path: name.slice(GENERIC_PREFIX.length).split('__') }))
    .sort((a, b) => a.path.length - b.path.length || (a.name < b.name ? -1 : 1));
  for (const { name, path } of generic) {
    if (path.some((p) => p === '')) {
      problems.push({ path: name, message: 'expected SWITCHBOARD__ followed by field names separated by __, e.g. SWITCHBOARD__http__port' });
      continue;
    }
    const raw = env[name]!;
    overrides.push({ name, path, value: TEXT_FIELDS.has(path[path.length - 1]!) ? raw : jsonOrString(raw) });
  }
  return { overrides, problems };
}

const INVALID = Symbol('invalid');

function convert(kind: EnvKind, raw: string): unknown {
  switch (kind) {
    case 'string':
      return raw;
    case 'integer':
      // anything else is left as text, so the schema reports it against the field
      return /^[+-]?\d+$/.test(raw) ? Number(raw) : raw;
    case 'contacts':
      // contacts contain commas themselves (transport=udp,tcp): a new one starts where sip: or sips: does
      return raw.split(/,(?=\s*sips?:)/i).map((c) => c.trim()).filter(Boolean);
    case 'drachtio':
    case 'rtpengine': {
      if (raw === 'embedded') return { mode: 'embedded' };
      const hp = parseHostPort(raw);
      return hp ? { mode: kind === 'drachtio' ? 'drachtio' : 'external', ...hp } : INVALID;
    }
  }
}

/** `host:port` or `[v6]:port`. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  return { host: (m[1] ?? m[2])!, port: Number(m[3]) };
}

function jsonOrString(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
