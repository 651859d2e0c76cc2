import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRtpengine, type LocalRtpengineOptions } from './local-rtpengine';
import { findBinary } from './find-binary';
import { liveCommandLine } from './pid-file';
import { MediaErrorCode } from '../errors';
import { startMediaRelay } from '../start-media-relay';

const installed = findBinary('rtpengine', process.env.PATH) !== undefined;

describe('LocalRtpengine', () => {
  it('refuses to start without the binary and says how to install it', async () => {
    const local = new LocalRtpengine({ searchPath: '/nonexistent' });
    const err = await local.start().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: MediaErrorCode.BinaryMissing, message: expect.stringContaining('apt-get install rtpengine-daemon') });
    expect(local.running).toBe(false);
  });

  it('startMediaRelay stops start-up with the same error', async () => {
    await expect(startMediaRelay({ local: { binary: '/nonexistent/rtpengine' } })).rejects.toMatchObject({ code: MediaErrorCode.BinaryMissing });
  });

  it('runs userspace-only on 127.0.0.1 with a private port range and no system config', () => {
    const args = new LocalRtpengine({ portMin: 23000, portMax: 23099, recordingDir: '/tmp/rec' }).args();
    expect(args).toEqual(expect.arrayContaining([
      '--config-file=none', '--foreground', '--table=-1', '--interface=127.0.0.1', '--port-min=23000', '--port-max=23099',
      '--recording-dir=/tmp/rec', '--recording-method=pcap',
    ]));
    expect(args.some((a) => a.startsWith('--listen-ng=127.0.0.1:'))).toBe(true);
  });

  (installed ? it : it.skip)('starts, answers ping, restarts on demand and stops idempotently', async () => {
    const local = new LocalRtpengine({ portMin: 23100, portMax: 23199 });
    const exits: boolean[] = [];
    local.on('exit', (e) => exits.push(e.expected));
    try {
      await local.start();
      const pid = local.pid;
      expect(pid).toBeGreaterThan(0);
      await local.restart();
      expect(local.pid).not.toBe(pid);
      expect(local.running).toBe(true);
    } finally {
      await local.stop();
      await local.stop();
    }
    expect(local.running).toBe(false);
    expect(exits).toEqual([true, true]);
  });
});

/** Starts rtpengine in a separate Node process (tests/../local-rtpengine-child.ts) and returns both pids. */
async function startInChild(options: LocalRtpengineOptions): Promise<{ parent: number; rtpengine: number; ngPort: number; gone: Promise<void> }> {
  // node itself runs the script (tsx as a loader), so the pid we kill is rtpengine's parent
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../testing/local-rtpengine-child.ts'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+) (\d+)/.exec(out);
      if (m) resolve({ parent: child.pid!, rtpengine: Number(m[1]), ngPort: Number(m[2]), gone });
    });
    void gone.then(() => reject(new Error(`the child exited before rtpengine was ready: ${out}`)));
  });
}

async function waitUntil(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function killIfAlive(pid: number | undefined): void {
  if (pid !== undefined && liveCommandLine(pid)) process.kill(pid, 'SIGKILL');
}

(installed ? describe : describe.skip)('LocalRtpengine lifetime', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'rtpengine-lifetime-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs in its own process group', async () => {
    const local = new LocalRtpengine({ portMin: 23200, portMax: 23299, pidFile: join(dir, 'pid') });
    try {
      await local.start();
      const stat = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8');
      const pgrp = (pid: number) => Number(stat(pid).slice(stat(pid).lastIndexOf(')') + 2).split(' ')[2]);
      expect(pgrp(local.pid!)).toBe(local.pid);
      expect(pgrp(local.pid!)).not.toBe(pgrp(process.pid));
    } finally {
      await local.stop();
    }
  });

  it('dies with a SIGKILLed parent; a new one starts on the same ports', async () => {
    const options = { portMin: 23300, portMax: 23399, pidFile: join(dir, 'pid') };
    const first = await startInChild(options);
    const again = new LocalRtpengine({ ...options, ngPort: first.ngPort });
    try {
      expect(liveCommandLine(first.rtpengine)).toContain('--port-min=23300');
      process.kill(first.parent, 'SIGKILL');
      await first.gone;
      await waitUntil(() => liveCommandLine(first.rtpengine) === undefined, 'the orphaned rtpengine to die');
      await again.start();
      expect(again.port).toBe(first.ngPort);
    } finally {
      killIfAlive(first.rtpengine);
      await again.stop();
    }
  });

  it('ends a leftover rtpengine named by the pidfile before binding the same ports', async () => {
    const options = { portMin: 23400, portMax: 23499, pidFile: join(dir, 'pid') };
    const first = await startInChild({ ...options, dieWithParent: false });
    const again = new LocalRtpengine({ ...options, ngPort: first.ngPort });
    try {
      process.kill(first.parent, 'SIGKILL');
      await first.gone;
      expect(liveCommandLine(first.rtpengine)).toContain('--port-min=23400'); // orphaned, still holding the ports
      await again.start();
      expect(liveCommandLine(first.rtpengine)).toBeUndefined();
      expect(again.pid).not.toBe(first.rtpengine);
      expect(again.port).toBe(first.ngPort);
    } finally {
      killIfAlive(first.rtpengine);
      await again.stop();
    }
  });

  it('leaves the rtpengine of a server that still runs alone', async () => {
    const options = { portMin: 23600, portMax: 23699, pidFile: join(dir, 'pid') };
    const running = await startInChild(options);
    const second = new LocalRtpengine(options);
    try {
      await second.start();
      expect(liveCommandLine(running.rtpengine)).toContain('--port-min=23600');
      expect(second.pid).not.toBe(running.rtpengine);
    } finally {
      await second.stop();
      process.kill(running.parent, 'SIGKILL');
      await running.gone;
      await waitUntil(() => liveCommandLine(running.rtpengine) === undefined, 'the first rtpengine to die with its server');
    }
  });

  it('leaves a process that is not ours alone (pid reuse)', async () => {
    const pidFile = join(dir, 'pid');
    writeFileSync(pidFile, `${process.pid === 1 ? 2 : 1}\n`);
    const local = new LocalRtpengine({ portMin: 23500, portMax: 23599, pidFile });
    try {
      await local.start();
      expect(local.running).toBe(true);
    } finally {
      await local.stop();
    }
  });
});

describe('findBinary', () => {
  it('finds programs on a PATH list and absolute paths', () => {
    expect(findBinary('sh', '/nonexistent:/bin:/usr/bin')).toMatch(/\/sh$/);
    expect(findBinary('/bin/sh', undefined)).toBe('/bin/sh');
    expect(findBinary('no-such-program-here', '/bin')).toBeUndefined();
  });
});
