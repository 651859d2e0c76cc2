/**
 * `switchboard config check [--no-env] [--print] FILE...`: loads the files as Switchboard would
 * (merged in order, then the SWITCHBOARD_* environment overrides) and says whether the result is
 * valid. Exit code 0: valid; 1: invalid (every problem on stderr); 2: usage error or unreadable file.
 */
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ConfigError } from '../../config/config-error';
import { loadConfig } from '../../config/load-config';
import { readConfigFiles } from '../../config/read-config-files';
import { redactConfig } from '../../config/redact';

export interface ConfigCheckIo {
  env: Record<string, string | undefined>;
  readFile(path: string): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const CONFIG_CHECK_USAGE = `Usage: switchboard config check [--no-env] [--print] FILE...

Checks the configuration made of FILE... (YAML, merged in order, later files win) and the
SWITCHBOARD_* environment overrides.

  --no-env   ignore the environment: check the files alone
  --print    on success, print the resolved configuration (defaults filled in, secrets as ***)
  -h, --help show this help

Exit status: 0 valid, 1 invalid, 2 usage error or unreadable file.`;

/** `argv` is what follows `config check`. */
export function runConfigCheck(argv: readonly string[], io: ConfigCheckIo): number {
  const files: string[] = [];
  let useEnv = true;
  let print = false;
  let options = true;
  for (const arg of argv) {
    if (options && arg === '--') options = false;
    else if (options && (arg === '-h' || arg === '--help')) {
      io.stdout(CONFIG_CHECK_USAGE);
      return 0;
    } else if (options && arg === '--no-env') useEnv = false;
    else if (options && arg === '--print') print = true;
    else if (options && arg.startsWith('-') && arg !== '-') {
      io.stderr(`switchboard config check: unknown option ${arg}\n\n${CONFIG_CHECK_USAGE}`);
      return 2;
    } else files.push(arg);
  }
  if (files.length === 0) {
    io.stderr(`switchboard config check: no configuration file given\n\n${CONFIG_CHECK_USAGE}`);
    return 2;
  }

  let texts;
  try {
    texts = readConfigFiles(files, io.readFile);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) io.stderr(`${p.path}: ${p.message}`);
    return 2;
  }

  try {
    const config = loadConfig(useEnv ? io.env : {}, texts);
    const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
    io.stdout(
      `${files.join(', ')}: valid (${count(config.trunks.length, 'trunk')}, ${count(config.numbers.length, 'number')}, ` +
        `${count(config.queues.length, 'queue')}, ${count(config.operators.length, 'operator')})`,
    );
    if (print) io.stdout(stringify(redactConfig(config)).trimEnd());
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr(`${files.join(', ')}: invalid configuration (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'})`);
    for (const p of err.problems) io.stderr(`  ${p.path}: ${p.message}`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = runConfigCheck(process.argv.slice(2), {
    env: process.env,
    readFile: (path) => readFileSync(path, 'utf8'),
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
  });
}
