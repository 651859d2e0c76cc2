// Builds the softphone page: bundles src/main.ts (with sip.js) into dist/app.js and copies
// index.html and style.css. No binary assets: the ringtone and test tone are generated in code.
// The supervisors' report page goes to dist/reports/ (index.html, reports.js, reports.css with
// uPlot's stylesheet), served at /reports/; the supervisor console to dist/console/ (index.html,
// console.js, console.css), served at /console/.
//
//   node softphone/build.mjs                 → softphone/dist/
//   node softphone/build.mjs --outdir DIR    → DIR (tests build into a temporary directory)
//   node softphone/build.mjs --dev           → not minified, with a source map (app.js.map)
//
// A production build has no source map (and removes one left by an earlier dev build), so the
// server never serves the sources.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { outdir: { type: 'string' }, dev: { type: 'boolean', default: false } } });
const outdir = resolve(values.outdir ?? join(here, 'dist'));

await mkdir(join(outdir, 'reports'), { recursive: true });
await mkdir(join(outdir, 'console'), { recursive: true });
const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  minify: !values.dev,
  sourcemap: values.dev,
  legalComments: 'linked',
  logLevel: 'warning',
  metafile: true,
};
const result = await build({ ...common, entryPoints: [join(here, 'src', 'main.ts')], outfile: join(outdir, 'app.js') });
await build({ ...common, entryPoints: { reports: join(here, 'src', 'reports', 'main.ts') }, outdir: join(outdir, 'reports') });
await build({ ...common, entryPoints: { console: join(here, 'src', 'console', 'main.ts') }, outdir: join(outdir, 'console') });
if (!values.dev) await Promise.all(['app.js.map', 'reports/reports.js.map', 'reports/reports.css.map', 'console/console.js.map', 'console/console.css.map'].map((f) => rm(join(outdir, f), { force: true })));
await Promise.all(['index.html', 'style.css', 'reports/index.html', 'console/index.html'].map((f) => copyFile(join(here, 'src', f), join(outdir, f))));
const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs).find((k) => k.endsWith('app.js'))].bytes;
console.log(`softphone: ${outdir} (app.js ${(bytes / 1024).toFixed(0)} KiB, index.html, style.css, reports/, console/)`);
