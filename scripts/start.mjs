// `npm start`: checks the configuration first (a wrong value is reported in a second, before any
// build), builds only when a source is newer than the last build, then runs the server in the
// foreground. SIGINT/SIGTERM reach the server, which drains and stops; this process exits with it.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(root, 'dist/.build-stamp');
/** What the build reads: a change to any of these makes the next start rebuild. */
const SOURCES = ['server', 'media', 'config', 'softphone/src', 'softphone/build.mjs', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtime(path) {
  let stat;
  try { stat = statSync(path); } catch { return 0; }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const files = (process.env.SWITCHBOARD_CONFIG ?? 'config/demo.yaml').split(',');
const check = spawnSync(join(root, 'node_modules/.bin/tsx'), ['server/cli/switchboard.ts', 'config', 'check', ...files], {
  cwd: root, stdio: ['ignore', 'ignore', 'inherit'],
});
if (check.status !== 0) process.exit(check.status ?? 1);

let built = 0;
try { built = statSync(STAMP).mtimeMs; } catch { /* never built */ }
if (SOURCES.some((s) => newestMtime(join(root, s)) > built)) run('npm', ['run', '-s', 'build']);
else process.stdout.write('switchboard: the build is up to date\n');

const server = spawn(process.execPath, [join(root, 'dist/server/main.js')], { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the whole foreground group, the server included; npm forwards signals too. The
// server ignores a repeated signal while it drains, so passing them on is safe.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
