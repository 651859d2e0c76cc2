import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigProblem } from './config-error';
import type { ConfigFile } from './load-config';

/** Reads configuration files for loadConfig; every unreadable one is reported in one ConfigError. */
export function readConfigFiles(paths: readonly string[], read: (path: string) => string = (p) => readFileSync(p, 'utf8')): ConfigFile[] {
  const files: ConfigFile[] = [];
  const problems: ConfigProblem[] = [];
  for (const path of paths) {
    try {
      files.push({ path, text: read(path) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push({ path, message: `expected a readable file (${code ?? (err as Error).message})` });
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return files;
}
