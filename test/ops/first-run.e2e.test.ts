/**
 * The README's first-run commands, run as written (ports moved where they would clash): the
 * configuration check, the built command run directly, and the SIPp demo call, which stays on the
 * line until the far end hangs up (here: the server draining on SIGTERM).
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { freeSipPort, freeTcpPort } from '../support/ports';
import { startProcess, stopAll, waitFor } from '../support/processes';
import { startServer } from '../e2e/server-process';

const ROOT = path.join(__dirname, '../..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The shell code blocks of the README, continuation lines joined. */
const shellBlocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/\\\n\s*/g, ''));
const commandLike = (re: RegExp): string => {
  const line = shellBlocks.flatMap((b) => b.split('\n')).find((l) => re.test(l));
  if (!line) throw new Error(`the README shows no command matching ${re}`);
  return line.replace(/\s+#.*$/, '').trim();
};

describe('the README first-run commands', () => {
  afterAll(async () => stopAll());

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
