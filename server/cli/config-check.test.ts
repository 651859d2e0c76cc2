import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_CHECK_USAGE, runConfigCheck, type ConfigCheckIo } from './config-check';

const CONFIG_DIR = join(__dirname, '../../config');

/** An io over in-memory files; the example configs are readable under their real paths. */
function fakeIo(files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: ConfigCheckIo = {
    env,
    readFile: (path) => {
      if (path in files) return files[path]!;
      if (path.startsWith(CONFIG_DIR)) return readFileSync(path, 'utf8');
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
  };
  return { io, out, err };
}

const demo = join(CONFIG_DIR, 'demo.yaml');
const example = join(CONFIG_DIR, 'example.yaml');

describe('switchboard config check', () => {
  it('exits 0 for the demo and the example, with a summary', () => {
    const { io, out, err } = fakeIo();
    expect(runConfigCheck([demo], io)).toBe(0);
    expect(runConfigCheck([example], io)).toBe(0);
    expect(err).toEqual([]);
    expect(out[0]).toBe(`${demo}: valid (1 trunk, 1 number, 1 queue, 2 operators)`);
    expect(out[1]).toBe(`${example}: valid (2 trunks, 3 numbers, 3 queues, 2 operators)`);
  });

  it('exits 1 with every problem on stderr', () => {
    const bad = 'queues: [{ id: support, strategy: fastest }]\nnumbers: [{ number: "100", queue: sales }]\n';
    const { io, out, err } = fakeIo({ 'bad.yaml': bad });
    expect(runConfigCheck(['bad.yaml'], io)).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      'bad.yaml: invalid configuration (2 problems)',
      '  queues[0].strategy: expected one of longest-idle, round-robin, fewest-calls, least-talk-time, ring-all, random (got "fastest")',
      '  numbers[0].queue: expected a queue from queues (support) (got "sales")',
    ]);
  });

  it('checks the files merged in order', () => {
    const { io, err } = fakeIo({ 'local.yaml': 'numbers: [{ number: "100", queue: nowhere }]\n' });
    expect(runConfigCheck([demo, 'local.yaml'], io)).toBe(1);
    expect(err[0]).toBe(`${demo}, local.yaml: invalid configuration (1 problem)`);
    expect(err[1]).toContain('numbers[0].queue:');
  });

  it('applies the environment unless --no-env', () => {
    const { io, err } = fakeIo({}, { SWITCHBOARD_HTTP_PORT: 'eighty' });
    expect(runConfigCheck([demo], io)).toBe(1);
    expect(err[1]).toBe('  http.port: expected a number (got "eighty") [from SWITCHBOARD_HTTP_PORT]');
    expect(runConfigCheck(['--no-env', demo], io)).toBe(0);
  });

  it('--print shows the resolved configuration with secrets redacted', () => {
    const { io, out } = fakeIo();
    expect(runConfigCheck(['--print', example], io)).toBe(0);
    const printed = out.slice(1).join('\n');
    expect(printed).toContain('sessionTtlMs: 43200000');
    expect(printed).toContain('password: "***"');
    expect(printed).not.toContain('change-me');
  });

  it('exits 2 on usage errors and unreadable files', () => {
    const cases: Array<[string[], string]> = [
      [[], 'no configuration file given'],
      [['--frobnicate', demo], 'unknown option --frobnicate'],
      [['missing.yaml'], 'missing.yaml: expected a readable file (ENOENT)'],
    ];
    for (const [argv, message] of cases) {
      const { io, err } = fakeIo();
      expect(runConfigCheck(argv, io)).toBe(2);
      expect(err[0]).toContain(message);
    }
  });

  it('--help prints the usage and exits 0; -- ends the options', () => {
    const { io, out } = fakeIo({ '--print': 'http: { port: 9000 }\n' });
    expect(runConfigCheck(['--help'], io)).toBe(0);
    expect(out).toEqual([CONFIG_CHECK_USAGE]);
    expect(runConfigCheck(['--', '--print'], io)).toBe(0);
  });
});
