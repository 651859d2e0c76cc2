import { setOwn } from './merge';

/** Secrets never leave the configuration: not in error messages, not in logs of the resolved config. */

/** Fields whose values are secrets wherever they appear (and everything below them). */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['password', 'secret', 'ha1', 'metricsToken']);

export const REDACTED = '***';

export function isSecretPath(path: readonly PropertyKey[]): boolean {
  return path.some((p) => typeof p === 'string' && SECRET_KEYS.has(p));
}

/** `redis://user:pw@host:6379/0` → `redis://user:***@host:6379/0`; text that is not a URL is returned as is. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i, (_m, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon < 0 ? REDACTED : `${userinfo.slice(0, colon)}:${REDACTED}`}@`;
  });
}

/**
 * A copy of a configuration (or any part of one) that is safe to print: passwords, secrets and HA1
 * hashes become "***", credentials inside URLs too.
 */
export function redactConfig<T>(config: T): T {
  return redact(config, []) as T;
}

function redact(value: unknown, path: PropertyKey[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => redact(v, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, redact(v, [...path, k]));
    return out;
  }
  if (value === undefined || value === null) return value;
  if (isSecretPath(path)) return REDACTED;
  if (typeof value === 'string' && path[path.length - 1] === 'url') return redactUrl(value);
  return value;
}
