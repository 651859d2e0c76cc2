#!/usr/bin/env node
/**
 * The `switchboard` command:
 *   switchboard                      start the server (as `npm start` does)
 *   switchboard config check FILE…   validate configuration files without starting anything
 */
import { readFileSync } from 'node:fs';
import { runConfigCheck } from './config-check';

export const SWITCHBOARD_USAGE = `usage: switchboard [start]
       switchboard config check [--no-env] [--print] FILE...`;

export function main(argv: readonly string[]): number | 'start' {
  const [command, sub, ...rest] = argv;
  if (command === undefined || command === 'start') return 'start';
  if (command === 'config' && sub === 'check') {
    return runConfigCheck(rest, {
      env: process.env,
      readFile: (path) => readFileSync(path, 'utf8'),
      stdout: (text) => process.stdout.write(`${text}\n`),
      stderr: (text) => process.stderr.write(`${text}\n`),
    });
  }
  process.stderr.write(`${SWITCHBOARD_USAGE}\n`);
  return 2;
}

if (require.main === module) {
  const result = main(process.argv.slice(2));
  if (result === 'start') require('../main');
  else process.exitCode = result;
}
