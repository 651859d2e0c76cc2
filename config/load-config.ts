/**
 * `loadConfig(env, files)`: YAML files merged in order, then environment overrides, then one
 * validation that reports every problem at once. Pure: the caller reads the files (see
 * read-config-files.ts) and passes the environment.
 */
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError, describeIssue, problemsFromIssues, type ConfigProblem } from './config-error';
import { envOverrides, type EnvOverride } from './env-overrides';
import { deepMerge, isPlainObject, setPath } from './merge';
import { ConfigSchema, type Config } from './schema';

export interface ConfigFile {
  /** Shown in error messages. */
  path: string;
  text: string;
}

export type ConfigEnv = Record<string, string | undefined>;

export function loadConfig(env: ConfigEnv, files: ReadonlyArray<ConfigFile>): Config {
  const problems: ConfigProblem[] = [];
  let merged: unknown = {};
  for (const file of files) {
    const parsed = parseYaml(file);
    if ('problem' in parsed) problems.push(parsed.problem);
    else merged = deepMerge(merged, parsed.value);
  }
  // a file that does not parse would only cause follow-up noise: report it alone
  if (problems.length) throw new ConfigError(problems);

  const env_ = envOverrides(env);
  problems.push(...env_.problems);
  const applied: EnvOverride[] = [];
  for (const o of env_.overrides) {
    const r = setPath(merged, o.path, o.value);
    if ('error' in r) problems.push({ path: o.name, message: `cannot set ${o.path.join('.')}: ${r.error}` });
    else {
      merged = r.result;
      applied.push(o);
    }
  }

  const result = ConfigSchema.safeParse(merged, { reportInput: true, error: describeIssue });
  if (!result.success) problems.push(...problemsFromIssues(result.error.issues, (path) => sourceOf(applied, path)));
  if (problems.length) throw new ConfigError(problems);
  return result.data!;
}

/** The last environment variable whose path is a prefix of `path`. */
function sourceOf(applied: readonly EnvOverride[], path: readonly PropertyKey[]): string | undefined {
  let found: string | undefined;
  for (const o of applied) {
    if (o.path.length <= path.length && o.path.every((p, i) => p === String(path[i]))) found = o.name;
  }
  return found;
}

function parseYaml(file: ConfigFile): { value: unknown } | { problem: ConfigProblem } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    const where = ` (line ${pos.line}, column ${pos.col})`;
    // only the first line of the parser's message: the rest quotes the file, which may hold secrets
    return { problem: { path: file.path, message: `expected valid YAML${where}: ${err.message.split('\n')[0]}` } };
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return { value: {} };
  if (!isPlainObject(value)) return { problem: { path: file.path, message: `expected a mapping at the top level (got ${Array.isArray(value) ? 'a list' : typeof value})` } };
  return { value };
}
