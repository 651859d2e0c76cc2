/**
 * Every command the README shows, run as written (ports moved where they would clash): `npm start`
 * (and a wrong configuration stopping it), the configuration check, the built command run directly,
 * the SIPp demo call, which stays on the line until the far end hangs up (here: the server draining on
 * SIGTERM), and the standalone SIP engine. A command the README gains must be added to the catalogue
 * below, with the test that runs it or why it cannot run here.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freeSipPort, freeTcpPort } from '../support/ports';
import { startProcess, stopAll, waitFor, type RunningProcess } from '../support/processes';
import { serverEnv, startServer } from '../e2e/server-process';

const ROOT = path.join(__dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The shell code blocks of the README, continuation lines joined. */
const shellBlocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/\\\n\s*/g, ''));
const commandLike = (re: RegExp): string => {
  const line = shellBlocks.flatMap((b) => b.split('\n')).find((l) => re.test(l));
  if (!line) throw new Error(`the README shows no command matching ${re}`);
  return line.replace(/\s+#.*$/, '').trim();
};

/** Each README command, and where it is run. */
const CATALOGUE: ReadonlyArray<{ command: RegExp; runBy: string }> = [
  { command: /^scripts\/bootstrap && npm start\b/, runBy: 'this file (npm start; the bootstrap runs first in .ci/run)' },
  { command: /^scripts\/bootstrap && npm test\b/, runBy: '.ci/run, which runs exactly this' },
  { command: /^sipp -sf scripts\/sipp\/uac-remote-bye\.xml /, runBy: 'this file (the SIPp demo call)' },
  { command: /^npm run switchboard -- config check config\/demo\.yaml$/, runBy: 'this file (config check)' },
  { command: /^npm run build$/, runBy: 'npm test, before jest (running it here would rewrite dist/ under the other suites)' },
  { command: /^npm run sip-engine -- /, runBy: 'this file (the standalone SIP engine)' },
  { command: /^docker (build|run|compose) /, runBy: 'not here: CI has no Docker engine; test/ops/container.test.ts checks the Dockerfile and runs its start command, compose-schema.test.ts the compose file' },
];

/** Runs a shell command in its own process group, as a terminal runs a foreground job. */
const shell = (command: string, env: NodeJS.ProcessEnv = process.env): RunningProcess =>
  startProcess('sh', ['-c', command], { cwd: ROOT, env, detached: true });
const signalGroup = (proc: RunningProcess, signal: NodeJS.Signals) => process.kill(-proc.child.pid!, signal);

describe('the README commands', () => {
  afterAll(async () => stopAll());

  it('every command the README shows is in the catalogue of where it runs', () => {
    const commands = shellBlocks.flatMap((b) => b.split('\n')).map((l) => l.replace(/\s+#.*$/, '').trim()).filter(Boolean);
    expect(commands.length).toBeGreaterThanOrEqual(8);
    expect(commands.filter((c) => !CATALOGUE.some((e) => e.command.test(c)))).toEqual([]);
  });

  it('npm start serves the demo on the ports given, and Ctrl-C drains and exits 0', async () => {
    const command = commandLike(/&& npm start\b/).replace(/^scripts\/bootstrap && /, '');
    const { env, httpPort } = await serverEnv();
    const start = shell(command, { ...env, SWITCHBOARD_LOG_LEVEL: 'info' });
    await waitFor(() => start.output().includes('Switchboard is running') || start.child.exitCode !== null, 'npm start to start the server', 120_000);
    if (start.child.exitCode !== null) throw new Error(`npm start exited ${start.child.exitCode}:\n${start.output().slice(-3000)}`);
    expect((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status).toBe(200);
    signalGroup(start, 'SIGINT'); // Ctrl-C: npm, the start script and the server all get it
    // npm itself dies by the signal, as a foreground job should; the server drains and stops first
    expect([0, 130, 'SIGINT']).toContain(await start.exited);
    expect(start.output()).toMatch(/"msg":"draining"/);
    expect(start.output()).toMatch(/"expected":true,"msg":"rtpengine exited"/);
    await expect(fetch(`http://127.0.0.1:${httpPort}/healthz`)).rejects.toThrow();
  }, 150_000);

  it('npm start with a wrong configuration stops before building, naming the field', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bad-config-'));
    writeFileSync(path.join(dir, 'bad.yaml'), 'http:\n  port: not-a-port\n');
    const stamp = statSync(path.join(ROOT, 'dist/.build-stamp')).mtimeMs;
    const start = shell('npm start', { ...process.env, SWITCHBOARD_CONFIG: path.join(dir, 'bad.yaml') });
    expect(await start.exited).not.toBe(0);
    expect(start.output()).toMatch(/http\.port/);
    expect(start.output()).not.toContain('Switchboard is running');
    expect(statSync(path.join(ROOT, 'dist/.build-stamp')).mtimeMs).toBe(stamp);
  }, 60_000);

  it('the standalone SIP engine command listens where it is told and stops on SIGTERM', async () => {
    const [udp, ws, admin] = [await freeSipPort(), await freeSipPort(), await freeTcpPort()];
    const command = commandLike(/^npm run sip-engine -- /)
      .replace('127.0.0.1:5060', `127.0.0.1:${udp}`)
      .replace('127.0.0.1:8088', `127.0.0.1:${ws}`)
      .replace('--port 9022', `--port ${admin}`);
    expect(command).toContain(`--port ${admin}`);
    const engine = shell(command);
    await waitFor(() => engine.output().includes('switchboard-sip-engine listening') || engine.child.exitCode !== null, 'the engine to listen', 30_000);
    expect(engine.output()).toContain(`127.0.0.1:${admin}`);
    signalGroup(engine, 'SIGTERM');
    await engine.exited;
  }, 60_000);

  it('validates the demo configuration with the command the README shows', async () => {
    const command = commandLike(/config check config\/demo\.yaml/);
    const run = startProcess('sh', ['-c', command], { cwd: ROOT });
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('config/demo.yaml: valid');
  });

  it('builds executable commands (dist/server/cli/switchboard.js runs directly)', async () => {
    for (const bin of ['dist/server/cli/switchboard.js', 'dist/server/sip-engine/bin.js']) {
      expect([bin, statSync(path.join(ROOT, bin)).mode & 0o111]).toEqual([bin, 0o111]);
    }
    const run = startProcess(path.join(ROOT, 'dist/server/cli/switchboard.js'), ['config', 'check', 'config/demo.yaml'], { cwd: ROOT });
    expect(await run.exited).toBe(0);
  });

  it('the SIPp demo call waits in the queue until the far end hangs up', async () => {
    const server = await startServer({ SWITCHBOARD__ops__drainTimeoutMs: '1000' });
    const sipPort = await freeSipPort();
    const mediaPort = 20000 + ((await freeTcpPort()) % 20000);
    const command = commandLike(/^sipp .*uac-/)
      .replace('127.0.0.1:5060', `127.0.0.1:${server.sipPort}`)
      .replace('-p 5070', `-p ${sipPort}`)
      .replace('-mp 6000', `-mp ${mediaPort}`);
    expect(command).toContain(`-p ${sipPort}`); // the README names SIPp's ports, so they can be moved
    // no terminal here: no keyboard, and a control port of our own
    const sipp = startProcess('sh', ['-c', `exec ${command} -nostdin -cp ${await freeSipPort()}`], { cwd: ROOT });
    await waitFor(async () => /^switchboard_calls_waiting\{queue="support"\} 1$/m.test(await (await fetch(`${server.url}/metrics`)).text()),
      'the demo call to be queued', 20_000);
    expect(sipp.child.exitCode).toBeNull(); // still on the line
    server.proc.child.kill('SIGTERM'); // the drain ends the call with a BYE from the server
    await expect(server.proc.exited).resolves.toBe(0);
    expect(await sipp.exited).toBe(0); // a successful call: the BYE came from the far end
  });
});
