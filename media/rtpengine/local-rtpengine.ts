import { spawn, type ChildProcess } from 'node:child_process';
import * as dgram from 'node:dgram';
import { MediaError, MediaErrorCode } from '../errors';
import { silentLogger, type MediaLogger } from '../logger';
import { NgClient } from '../ng/ng-client';
import { TypedEmitter } from '../typed-emitter';
import { findBinary } from './find-binary';
import { parentDeathPrefix } from './parent-death';
import { defaultPidFile, killStaleProcess, removePidFile, writePidFile } from './pid-file';

export interface LocalRtpengineOptions {
  /** Program name or absolute path. Default `rtpengine`. */
  binary?: string;
  /** Address for both RTP and the ng control port. Default 127.0.0.1. */
  host?: string;
  /** ng control port; default a free UDP port picked at start (and kept across restarts). */
  ngPort?: number;
  /** Private RTP port range. Default 30000–30999. */
  portMin?: number;
  portMax?: number;
  /** Enables pcap recording into this directory (rtpengine's --recording-dir). */
  recordingDir?: string;
  /** rtpengine log level (syslog numbers, 7 = debug). Default 5. */
  logLevel?: number;
  /** Seconds without RTP before rtpengine drops a call. Default 60. */
  rtpTimeoutSec?: number;
  /** Restart the process when it exits unexpectedly. Default true. */
  autoRestart?: boolean;
  /** At most this many restarts within `restartWindowMs` (default 5 in 60 s); then it stays down. */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** Time allowed from spawn to the first `pong`. Default 5000 ms. */
  startTimeoutMs?: number;
  /** More command-line options, appended as given. */
  extraArgs?: string[];
  /**
   * Pidfile naming the running rtpengine; at start a live rtpengine it names (a leftover of a run
   * that was killed) is ended before the new one binds. Default: one per host and port range in the
   * temp directory. `false` disables it.
   */
  pidFile?: string | false;
  /** Start rtpengine through `setpriv --pdeathsig KILL`, so it dies with us even on SIGKILL. Default true (when setpriv works). */
  dieWithParent?: boolean;
  /** PATH used to find the binary; default process.env.PATH read at start(). */
  searchPath?: string;
  logger?: MediaLogger;
}

export interface LocalRtpengineExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when stop() or restart() ended it. */
  expected: boolean;
}

export interface LocalRtpengineEvents {
  ready: [info: { pid: number; host: string; ngPort: number }];
  exit: [info: LocalRtpengineExit];
  restarting: [attempt: number];
  /** An automatic restart failed or the restart budget is spent; the process stays down. */
  'restart-failed': [error: MediaError];
}

type State = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

const OUTPUT_KEEP = 64 * 1024;

/**
 * The embedded media relay: one rtpengine child process in the foreground on 127.0.0.1 with
 * userspace forwarding (no kernel module), its own ng port and a private RTP port range.
 *
 * Its lifetime is ours: it runs in its own process group (a Ctrl-C in the terminal reaches only
 * the server, which drains its calls and then stops it), it gets SIGKILL when our process dies
 * (setpriv --pdeathsig, when available), and a pidfile lets the next start end a leftover one.
 */
export class LocalRtpengine extends TypedEmitter<LocalRtpengineEvents> {
  private child: ChildProcess | undefined;
  private state: State = 'idle';
  private output = '';
  private ngPort: number | undefined;
  private restarts: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly logger: MediaLogger;
  private readonly killOnExit = (): void => { this.child?.kill('SIGKILL'); };

  constructor(private readonly options: LocalRtpengineOptions = {}) {
    super();
    this.logger = options.logger ?? silentLogger;
  }

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /** The pidfile in use, or undefined when disabled. */
  get pidFile(): string | undefined {
    const o = this.options;
    if (o.pidFile === false) return undefined;
    return o.pidFile ?? defaultPidFile(this.host, o.portMin ?? 30000);
  }

  /** The ng control port; known once start() resolved. */
  get port(): number {
    if (this.ngPort === undefined) throw new MediaError(MediaErrorCode.InvalidState, 'rtpengine has not been started');
    return this.ngPort;
  }

  get pid(): number | undefined {
    return this.state === 'running' ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.state === 'running';
  }

  /** The tail of rtpengine's log output, for diagnostics. */
  get recentOutput(): string {
    return this.output;
  }

  /** The command line start() runs (binary excluded). */
  args(): string[] {
    const o = this.options;
    const args = [
      '--config-file=none', '--foreground', '--log-stderr', '--table=-1',
      `--interface=${this.host}`, `--listen-ng=${this.host}:${this.ngPort ?? 0}`,
      `--port-min=${o.portMin ?? 30000}`, `--port-max=${o.portMax ?? 30999}`,
      `--log-level=${o.logLevel ?? 5}`, '--delete-delay=0', `--timeout=${o.rtpTimeoutSec ?? 60}`,
    ];
    if (o.recordingDir) args.push(`--recording-dir=${o.recordingDir}`, '--recording-method=pcap', '--recording-format=eth');
    return [...args, ...(o.extraArgs ?? [])];
  }

  /** Spawns rtpengine and resolves once it answers `ping`. Rejects with ERR_MEDIA_RTPENGINE_MISSING when not installed. */
  async start(): Promise<void> {
    if (this.state === 'running' || this.state === 'starting') return;
    if (this.state === 'stopping') throw new MediaError(MediaErrorCode.InvalidState, 'rtpengine is stopping');
    const binary = findBinary(this.options.binary ?? 'rtpengine', this.options.searchPath ?? process.env.PATH);
    if (!binary) {
      throw new MediaError(MediaErrorCode.BinaryMissing,
        `rtpengine not found (${this.options.binary ?? 'rtpengine'} on PATH). Install it with ` +
        '`apt-get install rtpengine-daemon` (Debian/Ubuntu; scripts/bootstrap does it), ' +
        'or configure the ng address of an rtpengine running elsewhere.');
    }
    this.state = 'starting';
    try {
      await this.endStaleProcess();
      this.ngPort ??= this.options.ngPort ?? await freeUdpPort(this.host);
      await this.spawnAndWait(binary);
      this.state = 'running';
      process.once('exit', this.killOnExit);
      this.emit('ready', { pid: this.child?.pid ?? 0, host: this.host, ngPort: this.ngPort });
    } catch (err) {
      this.state = 'idle';
      this.child?.kill('SIGKILL');
      throw err;
    }
  }

  /** Ends the process (SIGTERM, then SIGKILL after 3 s). Idempotent; no restart follows. */
  async stop(): Promise<void> {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    if (this.state === 'stopped' || this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    await this.terminate();
    this.state = 'stopped';
  }

  /** Stops and starts again on the same ng port (calls held by rtpengine are lost). */
  async restart(): Promise<void> {
    if (this.state === 'running' || this.state === 'starting') {
      this.state = 'stopping';
      await this.terminate();
    }
    this.state = 'idle';
    await this.start();
  }

  /** Ends an rtpengine a previous run left behind on our port range (named by the pidfile). */
  private async endStaleProcess(): Promise<void> {
    const pidFile = this.pidFile;
    if (!pidFile) return;
    const o = this.options;
    let outcome;
    try {
      outcome = await killStaleProcess({
        path: pidFile,
        mustContain: ['--foreground', `--interface=${this.host}`, `--port-min=${o.portMin ?? 30000}`],
      });
    } catch (err) {
      throw new MediaError(MediaErrorCode.RelayDown, (err as Error).message, { cause: err });
    }
    if (outcome.result === 'killed') this.logger.warn({ pid: outcome.pid, pidFile }, 'ended an rtpengine left running by a previous run');
    if (outcome.result === 'owned') {
      this.logger.warn({ pid: outcome.pid, parent: outcome.parent, pidFile }, 'another running server has an rtpengine on this port range: left alone');
    }
  }

  private async spawnAndWait(binary: string): Promise<void> {
    this.output = '';
    const prefix = (this.options.dieWithParent ?? true) ? parentDeathPrefix(this.options.searchPath ?? process.env.PATH) : [];
    const [command, ...args] = [...prefix, binary, ...this.args()];
    // detached: its own session and process group, so the terminal's SIGINT does not reach it
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    const pidFile = this.pidFile;
    if (pidFile && child.pid !== undefined) {
      try {
        writePidFile(pidFile, child.pid);
      } catch (err) {
        this.logger.warn({ err, pidFile }, 'could not write the rtpengine pidfile: a leftover of this run would not be ended by the next one');
      }
    }
    if (prefix.length === 0 && (this.options.dieWithParent ?? true)) {
      this.logger.warn({}, 'setpriv --pdeathsig is not available: rtpengine outlives a killed server until the next start');
    }
    const keep = (d: Buffer): void => {
      this.output = (this.output + d.toString()).slice(-OUTPUT_KEEP);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(new MediaError(MediaErrorCode.BinaryMissing, `cannot run ${binary}: ${err.message}`, { cause: err })));
      child.once('exit', (code, signal) => reject(new MediaError(MediaErrorCode.RelayDown,
        `rtpengine exited during start-up (${signal ?? code}): ${this.output.trim().split('\n').slice(-5).join(' | ')}`)));
    });
    exited.catch(() => undefined);
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    const probe = new NgClient({ host: this.host, port: this.port, timeoutMs: 300, retransmitMs: 100 });
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 5000);
    try {
      for (let attempt = 0; attempt < 1000; attempt++) {
        const pong = await Promise.race([probe.request('ping').then((r) => r.result === 'pong', () => false), exited]);
        if (pong) {
          this.logger.info({ pid: child.pid, ngPort: this.port }, 'rtpengine ready');
          return;
        }
        if (Date.now() > deadline) break;
        await Promise.race([new Promise((r) => setTimeout(r, 100)), exited]);
      }
      throw new MediaError(MediaErrorCode.Timeout, `rtpengine did not answer ping within ${this.options.startTimeoutMs ?? 5000} ms`);
    } finally {
      probe.close();
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    process.off('exit', this.killOnExit);
    const pidFile = this.pidFile;
    if (pidFile) {
      try {
        removePidFile(pidFile, child.pid);
      } catch (err) {
        this.logger.warn({ err, pidFile }, 'could not remove the rtpengine pidfile');
      }
    }
    const expected = this.state === 'stopping' || this.state === 'starting' || this.state === 'stopped';
    this.logger[expected ? 'info' : 'error']({ code, signal, expected }, 'rtpengine exited');
    this.emit('exit', { code, signal, expected });
    if (expected) return;
    this.state = 'idle';
    if (this.options.autoRestart ?? true) this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < (this.options.restartWindowMs ?? 60000));
    if (this.restarts.length >= (this.options.maxRestarts ?? 5)) {
      this.emit('restart-failed', new MediaError(MediaErrorCode.RelayDown, `rtpengine exited ${this.restarts.length} times within the restart window; not restarting`));
      return;
    }
    this.restarts.push(now);
    const attempt = this.restarts.length;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.emit('restarting', attempt);
      this.start().catch((err: unknown) => {
        const error = err instanceof MediaError ? err : new MediaError(MediaErrorCode.RelayDown, String(err), { cause: err });
        this.emit('restart-failed', error);
      });
    }, 100 * attempt);
  }

  private async terminate(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }
}

/** A UDP port free on `host` right now (the OS picks it). */
export function freeUdpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
