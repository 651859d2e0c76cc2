import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The pidfile of the embedded rtpengine. A server that dies without stopping its rtpengine (SIGKILL,
 * power cut of the parent only, a missing death signal) leaves it running and holding the ports; the
 * next start reads the pidfile and ends that process before a new one binds.
 */
export interface StaleProcessCheck {
  /** The pidfile path. */
  path: string;
  /** Command-line arguments a process must carry to be ours (guards against a reused pid). */
  mustContain: string[];
}

/** Where the pidfile of an rtpengine on `host` with RTP ports from `portMin` lives by default. */
export function defaultPidFile(host: string, portMin: number): string {
  return join(tmpdir(), `switchboard-rtpengine-${host}-${portMin}.pid`);
}

export function writePidFile(path: string, pid: number): void {
  writeFileSync(path, `${pid}\n`, { mode: 0o644 });
}

/** Removes the pidfile when it still names `pid` (a newer run may have replaced it). */
export function removePidFile(path: string, pid: number | undefined): void {
  try {
    if (pid !== undefined && readPid(path) !== pid) return;
    rmSync(path, { force: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function readPid(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

/** The command line of a live (not zombie) process, or undefined when there is none with that pid. */
export function liveCommandLine(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the state follows the parenthesised command name: "pid (comm) S ..."
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined; // no such process (or no /proc: nothing we can verify)
  }
}

/**
 * Ends the process the pidfile names when it is still alive and carries every `mustContain`
 * argument; waits (up to `timeoutMs`) until it is gone. Returns the pid it ended, if any.
 */
export async function killStaleProcess(check: StaleProcessCheck, timeoutMs = 5000): Promise<number | undefined> {
  const pid = readPid(check.path);
  if (pid === undefined || pid === process.pid) return undefined;
  const cmdline = liveCommandLine(pid);
  if (!cmdline || !check.mustContain.every((arg) => cmdline.includes(arg))) {
    removePidFile(check.path, pid);
    return undefined;
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
  const deadline = Date.now() + timeoutMs;
  while (liveCommandLine(pid) !== undefined) {
    if (Date.now() > deadline) throw new Error(`the stale rtpengine (pid ${pid}) did not end within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  removePidFile(check.path, pid);
  return pid;
}
