// Runs after the build: makes every `bin` of package.json executable (tsc writes files 0644), so that
// `./dist/server/cli/switchboard.js` and an installed `switchboard` command run directly, and stamps
// the build's time in dist/.build-stamp (`npm start` rebuilds only when a source is newer).
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { bin } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const file of Object.values(bin ?? {})) {
  const path = join(root, file);
  chmodSync(path, statSync(path).mode | 0o111);
}
writeFileSync(join(root, 'dist/.build-stamp'), `${new Date().toISOString()}\n`);
