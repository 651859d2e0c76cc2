/**
 * The real server's start-up output (banner and logs, at info level) never shows a configured
 * password, secret or token; it names the operators and says where their credentials are.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopAll } from '../support/processes';
import { startServer } from '../e2e/server-process';

const DEMO = join(__dirname, '../../config/demo.yaml');

describe('start-up output', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'banner-')); });
  afterAll(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints no configured password, secret or token', async () => {
    const extra = join(dir, 'secrets.yaml');
    writeFileSync(extra, [
      'sip: { engine: { mode: embedded, secret: engine-admin-secret-x } }',
      'ops: { metricsToken: metrics-bearer-token-0123 }',
      'trunks:',
      '  - { id: local, allow: [127.0.0.1] }',
      '  - { id: carrier, digest: { username: carrier, password: trunk-digest-password-x } }',
    ].join('\n'));
    const passwords = [...readFileSync(DEMO, 'utf8').matchAll(/password: ([^\s,}]+)/g)].map((m) => m[1]!);
    expect(passwords).toEqual(['alice-demo', 'bob-demo']);
    const server = await startServer({ SWITCHBOARD_CONFIG: `${DEMO},${extra}`, SWITCHBOARD_LOG_LEVEL: 'info' });
    const output = server.proc.output();
    for (const secret of [...passwords, 'engine-admin-secret-x', 'metrics-bearer-token-0123', 'trunk-digest-password-x']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toMatch(/Operators: alice, bob/);
    expect(output).toContain('operators[].sip.password in');
    await server.proc.stop();
  });
});
