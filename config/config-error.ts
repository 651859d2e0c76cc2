/**
 * ConfigError and the wording of problems: one line per problem, `path.to.field: what was expected
 * (got …)`. Values under secret fields are shown as *** and no raw input is kept on the error.
 */
import type { z } from 'zod';
import { formatPath } from '../server/routing/config-schema';
import { AppError } from '../server/routing/errors';
import { isSecretPath, redactUrl } from './redact';

/** One problem: where (a field path, or a file/variable name) and what is wrong. */
export interface ConfigProblem {
  path: string;
  message: string;
}

export class ConfigError extends AppError {
  override readonly name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    const lines = problems.map((p) => `${p.path}: ${p.message}`);
    super('ERR_INVALID_CONFIG', `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`, {
      details: { problems: lines, fields: problems.map((p) => p.path) },
    });
    this.problems = problems;
  }
}

type RawIssue = z.core.$ZodRawIssue & { inst?: unknown };

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

/**
 * The per-parse error map: says what was expected in plain words. Messages set in the schema itself
 * (e.g. "expected an IP address or host name") take precedence over it.
 */
export function describeIssue(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `expected ${JSON.stringify(issue.values[0])}` : `expected one of ${issue.values.join(', ')}`;
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const word = issue.code === 'too_small' ? (issue.inclusive ? 'at least' : 'more than') : issue.inclusive ? 'at most' : 'less than';
      if (issue.origin === 'string') return `expected ${word} ${bound} character${bound === 1 ? '' : 's'}`;
      if (issue.origin === 'array') return `expected ${word} ${bound} entr${bound === 1 ? 'y' : 'ies'}`;
      return `expected ${word} ${bound}`;
    }
    case 'invalid_format':
      return issue.format === 'regex' ? `expected text matching ${String(issue.pattern)}` : `expected a valid ${issue.format}`;
    case 'invalid_union': {
      const u = issue as { discriminator?: string; options?: unknown[] };
      if (u.discriminator) return `expected one of ${(u.options ?? []).filter((o) => o !== undefined).join(', ')}`;
      return 'expected one of the allowed forms';
    }
    case 'unrecognized_keys':
      return `unknown field (allowed: ${allowedKeys(issue.inst).join(', ')})`;
    default:
      return undefined;
  }
}

function allowedKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  return shape ? Object.keys(shape) : [];
}

/** Turns zod issues into problems; `sourceOf` names the environment variable that set a path, if any. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], sourceOf: (path: PropertyKey[]) => string | undefined): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push(problem([...path, key], unknownField(key, issue.message), sourceOf([...path, key])));
      continue;
    }
    let message = issue.message;
    if (issue.code !== 'custom' && !/\(got [^)]*\)$/.test(message)) {
      const u = issue as { discriminator?: string };
      const input = 'input' in issue ? (u.discriminator ? (issue.input as Record<string, unknown> | undefined)?.[u.discriminator] : issue.input) : undefined;
      message += ` (got ${describeValue(input, path)})`;
    }
    out.push(problem(path, message, sourceOf(path)));
  }
  return out;
}

function problem(path: PropertyKey[], message: string, source: string | undefined): ConfigProblem {
  return { path: formatPath(path), message: source ? `${message} [from ${source}]` : message };
}

/** "unknown field (allowed: a, b, c)" → with a "did you mean" when one allowed key is close. */
function unknownField(key: string, message: string): string {
  const allowed = /\(allowed: (.*)\)$/.exec(message)?.[1]?.split(', ').filter(Boolean) ?? [];
  const close = allowed.filter((a) => distance(a.toLowerCase(), key.toLowerCase()) <= Math.max(1, Math.floor(a.length / 4)));
  if (close.length === 1) return `unknown field (did you mean ${close[0]}?)`;
  return allowed.length ? `unknown field (expected one of ${allowed.join(', ')})` : 'unknown field';
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** A short, safe rendering of a value for "(got …)". */
export function describeValue(value: unknown, path: readonly PropertyKey[]): string {
  if (value === undefined) return 'nothing';
  if (isSecretPath(path)) return '***';
  if (typeof value === 'string') {
    const shown = path[path.length - 1] === 'url' ? redactUrl(value) : value;
    return JSON.stringify(shown.length > 60 ? `${shown.slice(0, 57)}...` : shown);
  }
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}
