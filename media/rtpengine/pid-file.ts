import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The pidfile of the embedded rtpengine: `<rtpengine pid> <parent pid>`. A server that dies without
 * stopping its rtpengine (SIGKILL without a working death signal) leaves it running and holding the
 * ports; the next start reads the pidfile and ends that process before a new one binds — only when
 * the process still carries our arguments (not a reused pid) and the server that started it is gone
 * (not another server running on the same port range).
 */
export interface StaleProcessCheck {
  /** The pidfile path. */
  path: string;
  /** Command-line arguments a process must carry to be ours (guards against a reused pid). */
  mustContain: string[];
}

export type StaleProcessOutcome =
  | { result: 'none' }
  | { result: 'killed'; pid: number }
  /** A live process still runs it: left alone. */
  | { result: 'owned'; pid: number; parent: number };

/** Where the pidfile of an rtpengine on `host` with RTP ports from `portMin` lives by default. */
export function defaultPidFile(host: string, portMin: number): string {
  return join(tmpdir(), `switchboard-rtpengine-${host}-${portMin}.pid`);
}

export function writePidFile(path: string, pid: number, parent = process.pid): void {
  writeFileSync(path, `${pid} ${parent}\n`, { mode: 0o644 });
}

/** Removes the pidfile when it still names `pid` (a newer run may have replaced it). */
export function removePidFile(path: string, pid: number | undefined): void {
  if (pid !== undefined && readPidFile(path)?.pid !== pid) return;
  rmSync(path, { force: true });
}

function readPidFile(path: string): { pid: number; parent: number | undefined } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const [pid, parent] = text.trim().split(/\s+/).map(Number);
  if (!Number.isInteger(pid) || pid! <= 1) return undefined;
  return { pid: pid!, parent: Number.isInteger(parent) && parent! > 0 ? parent : undefined };
}

/** State and parent of a process from /proc/<pid>/stat; undefined when there is none (or no /proc). */
function procStat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ppid ..." — comm may hold spaces and parentheses
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: state!, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/** The command line of a live (not zombie) process, or undefined when there is none with that pid. */
export function liveCommandLine(pid: number): string[] | undefined {
  const stat = procStat(pid);
  if (!stat || stat.state === 'Z' || stat.state === 'X') return undefined;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/**
 * Ends the process the pidfile names when it is alive, carries every `mustContain` argument and
 * its starter is gone; waits (up to `timeoutMs`) until it has ended.
 */
export async function killStaleProcess(check: StaleProcessCheck, timeoutMs = 5000): Promise<StaleProcessOutcome> {
  const named = readPidFile(check.path);
  if (!named || named.pid === process.pid) return { result: 'none' };
  const { pid, parent } = named;
  const cmdline = liveCommandLine(pid);
  if (!cmdline || !check.mustContain.every((arg) => cmdline.includes(arg))) {
    removePidFile(check.path, pid);
    return { result: 'none' };
  }
  if (parent !== undefined && procStat(pid)?.ppid === parent && liveCommandLine(parent) !== undefined) {
    return { result: 'owned', pid, parent };
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPERM') throw new Error(`the rtpengine left running (pid ${pid}, named by ${check.path}) belongs to another user; end it or choose another port range`, { cause: err });
    if (code !== 'ESRCH') throw err;
  }
  const deadline = Date.now() + timeoutMs;
  while (liveCommandLine(pid) !== undefined) {
    if (Date.now() > deadline) throw new Error(`the stale rtpengine (pid ${pid}) did not end within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  removePidFile(check.path, pid);
  return { result: 'killed', pid };
}
