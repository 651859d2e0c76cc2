// Makes every `bin` of package.json executable after the build (tsc writes files 0644), so that
// `./dist/server/cli/switchboard.js` and an installed `switchboard` command run directly.
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { bin } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const file of Object.values(bin ?? {})) {
  const path = join(root, file);
  chmodSync(path, statSync(path).mode | 0o111);
}
