// Lint rules, including the import direction of the house plan:
// routing ← store ← calls ← signalling/http ← main.ts; sip-engine and media import nothing of the app.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const app = (...dirs) => dirs.flatMap((d) => [`**/server/${d}`, `**/server/${d}/**`, `../${d}/**`, `../${d}`]);
const restrict = (files, patterns, message) => ({
  files,
  ignores: ['**/*.test.ts'],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
});
const ioModules = ['node:*', 'fs', 'net', 'dgram', 'http', 'https', 'redis', 'pino', 'express', 'drachtio-srf', 'ws'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'softphone/dist/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  restrict(['server/routing/**/*.ts'], [...app('store', 'calls', 'signalling', 'http', 'sip-engine'), '**/media/**', ...ioModules],
    'routing is pure: no I/O and nothing above it'),
  restrict(['server/store/**/*.ts'], app('calls', 'signalling', 'http', 'sip-engine'), 'store depends on routing only'),
  restrict(['server/calls/**/*.ts'], app('signalling', 'http', 'sip-engine'), 'calls must not import signalling or http'),
  restrict(['server/records/**/*.ts'], [...app('store', 'calls', 'signalling', 'http', 'sip-engine'), '**/media/**'],
    'records depends on routing only (the calls layer writes to it through its port)'),
  restrict(['server/sip-engine/**/*.ts'], [...app('routing', 'store', 'calls', 'signalling', 'http'), '**/media/**'],
    'the SIP engine is a library: it imports nothing of the app'),
  restrict(['media/**/*.ts'], ['**/server/**', '../server/**'], 'media never imports server/'),
  { files: ['scripts/**/*.{js,mjs}', '*.js', '*.mjs'], languageOptions: { globals: { ...globals.node } } },
);
