import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startProcess } from '../../test/support/processes';

const bin = path.join(__dirname, '../../dist/server/cli/switchboard.js');

describe('switchboard config check (the built command)', () => {
  it('accepts the example configurations', async () => {
    const p = startProcess('node', [bin, 'config', 'check', path.join(__dirname, '../../config/demo.yaml'), path.join(__dirname, '../../config/example.yaml')]);
    expect(await p.exited).toBe(0);
  });

  it('rejects a bad file with the field path, exit 1', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'switchboard-cli-')), 'bad.yaml');
    writeFileSync(file, 'queues: [{ id: support, strategy: fastest }]\n');
    const p = startProcess('node', [bin, 'config', 'check', '--no-env', file]);
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('queues[0].strategy');
  });

  it('answers an unknown command with usage, exit 2', async () => {
    const p = startProcess('node', [bin, 'frobnicate']);
    expect(await p.exited).toBe(2);
    expect(p.output()).toContain('usage: switchboard');
  });
});
