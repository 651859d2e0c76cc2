/**
 * Runs SIPp (/usr/bin/sipp, Debian's sip-tester) as a child process, as a SIP peer for tests:
 * a trunk or PBX calling in (UAC scenarios), a phone or operator being called (UAS), a
 * registering phone. Scenarios live in scripts/sipp/ and declare their keys in their header.
 *
 * Every run binds to 127.0.0.1 on a port asked from the OS, writes its error log and
 * statistics into its own temporary directory, is registered with processes.ts (stopAll()
 * ends it), and is killed after a hard timeout so that a test never hangs.
 *
 * SIPp behaviours this helper works around (all observed with SIPp 3.6.1):
 * - a missing `-key` is a fatal "Unsupported keyword" at load time; runSipp fills in the
 *   defaults declared by `@key name=default` lines in the scenario header, and refuses to
 *   start without a required key (`@key name`) or with an undeclared one;
 * - SIGTERM makes SIPp exit with code 0 after printing its statistics, so a run that was
 *   stopped looks successful: SippResult.stopped tells;
 * - `-timeout` has a resolution of a second and lets calls in progress run on (a client
 *   retransmitting an INVITE into the void is not stopped by it): the hard timeout here is
 *   what bounds a run;
 * - `-lost` also drops messages over TCP, where nothing retransmits them: UDP only;
 * - without `-p` SIPp takes 5060 when free, so a port is always given; and as it sets
 *   SO_REUSEADDR, a second SIPp on a UDP port in use starts happily and shares it (over TCP
 *   it exits with 254), so readiness is checked on the process's own sockets.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freeSipPort } from './ports';
import { startProcess, type RunningProcess } from './processes';

export const SIPP_BINARY = '/usr/bin/sipp';
export const SIPP_SCENARIO_DIR = path.resolve(__dirname, '../../scripts/sipp');

/** u1/t1: one UDP socket / one TCP connection for all calls; un/tn: one per call. */
export type SippTransport = 'u1' | 't1' | 'un' | 'tn';

/** Scenarios compiled into SIPp, run with -sn. */
export const SIPP_BUILTIN_SCENARIOS = ['uac', 'uas', 'regexp', 'branchc', 'branchs', 'uac_pcap'] as const;
export type SippBuiltinScenario = (typeof SIPP_BUILTIN_SCENARIOS)[number];

export interface SippOptions {
  /** A built-in ('uac', 'uas', ...), a file name under scripts/sipp/ ('uac-basic' or 'uac-basic.xml'), or a path. */
  scenario: SippBuiltinScenario | string;
  /** host:port to call; required for a scenario that sends first, omitted for a UAS. */
  remote?: string;
  /** -i and -mi: the loopback address SIPp binds (SIP and media); default 127.0.0.1 ('::1' for IPv6 tests). */
  localAddress?: '127.0.0.1' | '::1';
  /** -p; default: a free port from the OS. */
  localPort?: number;
  /** -t; default 'u1'. */
  transport?: SippTransport;
  /** -m: stop after this many calls; default 1. 0 = no limit (stop it with quit() or stop()). */
  calls?: number;
  /** -r: calls per rate period (SIPp's default: 10 per second). */
  rate?: number;
  /** -rp: the rate period in ms (default 1000). */
  ratePeriodMs?: number;
  /** -l: at most this many calls at once. */
  maxConcurrent?: number;
  /** -s: the [service] (user part of the Request-URI, or the AOR user of register*.xml). */
  service?: string;
  /** -inf: an injection CSV ([field0], [field1], ...); a bare name is looked up in scripts/sipp/. */
  injectionFile?: string;
  /** -key name value, for [name] in the scenario; merged over the scenario's declared defaults. */
  keys?: Record<string, string | number>;
  /** -lost: drop this percentage of the messages sent and received (UDP only). */
  lostPercent?: number;
  /** -timeout: SIPp's own global timeout (whole seconds; calls in progress run on). */
  sippTimeoutMs?: number;
  /** -recv_timeout: a call waiting longer than this for a message fails (ms). */
  recvTimeoutMs?: number;
  /** [authentication] credentials: -au, -ap, and -auth_uri (host part; SIPp adds "sip:").
   *  When the scenario declares a `domain` key, -auth_uri defaults to it, so that the digest's
   *  uri matches the Request-URI (SIPp's own default is remote_ip:remote_port). */
  auth?: { user?: string; password?: string; uri?: string };
  /** -trace_msg: keep every message sent and received (SippResult.messageLog). Default false. */
  traceMessages?: boolean;
  /** Appended to the command line as is. */
  extraArgs?: string[];
  /** Kill the run after this long and reject done(); default 30 000 ms. */
  hardTimeoutMs?: number;
  /** Wait in runSipp() until SIPp listens on its port; default: true when no remote is given. */
  waitReady?: boolean;
  /** Keep the trace directory even after exit code 0. Default false (kept on failure and on the hard timeout). */
  keepTraces?: boolean;
}

export interface SippStats {
  totalCalls: number;
  successfulCalls: number;
  failedCalls: number;
  retransmissions: number;
  outOfCallMessages: number;
  deadCallMessages: number;
  /** The non-zero Failed* counters, e.g. { FailedUnexpectedMessage: 1, FailedTimeoutOnRecv: 2 }. */
  failureCauses: Record<string, number>;
  /** Mean response times by rtd name (ResponseTime1, ...), in ms. */
  responseTimesMs: Record<string, number>;
  /** Every cumulative column of the last statistics line, by name (from -trace_stat). */
  columns: Record<string, string>;
}

export interface SippResult {
  /** 0 all calls succeeded, 1 some failed, 97 internal exit (e.g. -timeout), 99 no call
   *  processed, 255 fatal error, 254 could not bind; null when ended by a signal. */
  exitCode: number | null;
  signal: string | null;
  /** What exitCode means, in words. */
  meaning: string;
  /** Someone stopped the run (stop(), stopAll(), the hard timeout): SIPp then exits with 0. */
  stopped: boolean;
  /** From the -trace_stat CSV, or failing that from the final screen; null when SIPp died before. */
  stats: SippStats | null;
  successfulCalls: number;
  failedCalls: number;
  stdout: string;
  stderr: string;
  /** The -trace_err log, one event per line ('' when nothing went wrong). */
  errorLog: string;
  /** The -trace_msg log when traceMessages was set, else ''. */
  messageLog: string;
  /** Where the traces were written; removed after exit code 0 (also when stopped) unless keepTraces or timed out. */
  traceDir: string;
  command: string;
  durationMs: number;
}

export interface SippRun {
  readonly pid: number;
  readonly port: number;
  readonly transport: SippTransport;
  /** The scenario file (or built-in name) that runs. */
  readonly scenario: string;
  readonly args: readonly string[];
  readonly traceDir: string;
  /** Resolves once SIPp listens on its port; rejects if it exits first or does not within timeoutMs. */
  ready(timeoutMs?: number): Promise<void>;
  /** Resolves when SIPp exits (whatever its exit code); rejects on the hard timeout. */
  done(): Promise<SippResult>;
  /** SIGUSR1: start no new call, finish the ones in progress, then exit. */
  quit(): void;
  /** Kills the run (if still running) and resolves with its result. */
  stop(): Promise<SippResult>;
}

export class SippError extends Error {
  constructor(message: string, readonly result?: SippResult) {
    super(message);
    this.name = 'SippError';
  }
}

export interface SippKey {
  name: string;
  /** undefined: the key is required. */
  defaultValue?: string;
}

/** Resolves a scenario name to its file, or returns null for a SIPp built-in. */
export function scenarioPath(scenario: string): string | null {
  if ((SIPP_BUILTIN_SCENARIOS as readonly string[]).includes(scenario)) return null;
  const file = path.isAbsolute(scenario) || scenario.includes('/')
    ? path.resolve(scenario)
    : path.join(SIPP_SCENARIO_DIR, scenario.endsWith('.xml') ? scenario : `${scenario}.xml`);
  if (!fs.existsSync(file)) throw new SippError(`no such SIPp scenario: ${scenario} (looked for ${file})`);
  return file;
}

function resolveInjectionFile(name: string): string {
  const file = path.isAbsolute(name) || name.includes('/') ? path.resolve(name) : path.join(SIPP_SCENARIO_DIR, name);
  if (!fs.existsSync(file)) throw new SippError(`no such injection file: ${file}`);
  return file;
}

/** The scenario files in scripts/sipp/, by file name. */
export function listScenarios(): string[] {
  return fs.readdirSync(SIPP_SCENARIO_DIR).filter((f) => f.endsWith('.xml')).sort();
}

/** The keys a scenario declares in its header: `@key name=default` or `@key name` (required). */
export function scenarioKeys(file: string): SippKey[] {
  const text = fs.readFileSync(file, 'utf8');
  const header = /<!--([\s\S]*?)-->/.exec(text)?.[1] ?? '';
  const keys: SippKey[] = [];
  for (const m of header.matchAll(/^\s*@key\s+([A-Za-z_]\w*)(?:=(\S*))?/gm)) {
    keys.push(m[2] === undefined ? { name: m[1] } : { name: m[1], defaultValue: m[2] });
  }
  return keys;
}

/** The -key arguments for a scenario: its declared defaults, overridden by `given`. */
export function resolveKeys(file: string | null, given: Record<string, string | number> = {}): Record<string, string> {
  if (file === null) return Object.fromEntries(Object.entries(given).map(([k, v]) => [k, String(v)]));
  const declared = scenarioKeys(file);
  const names = new Set(declared.map((k) => k.name));
  const name = path.basename(file);
  for (const k of Object.keys(given)) {
    if (!names.has(k)) {
      throw new SippError(`${name} declares no key "${k}" (it declares: ${[...names].join(', ') || 'none'})`);
    }
  }
  const keys: Record<string, string> = {};
  for (const k of declared) {
    const value = given[k.name] ?? k.defaultValue;
    if (value === undefined) throw new SippError(`${name} needs the key "${k.name}" (-key ${k.name} <value>)`);
    keys[k.name] = String(value);
  }
  return keys;
}

const EXIT_MEANINGS: Record<number, string> = {
  0: 'all calls succeeded',
  1: 'at least one call failed',
  97: 'exit on internal command (e.g. the global -timeout)',
  99: 'normal exit without any call processed',
  255: 'fatal error',
  254: 'fatal error binding a socket',
};

export function exitMeaning(code: number | null, signal: string | null = null): string {
  if (code === null) return `killed by ${signal ?? 'a signal'}`;
  return EXIT_MEANINGS[code] ?? `unknown exit code ${code}`;
}

/** Starts SIPp. Resolves once it runs (and, for a UAS, listens: see SippOptions.waitReady). */
export async function runSipp(opts: SippOptions): Promise<SippRun> {
  const file = scenarioPath(opts.scenario);
  const keys = resolveKeys(file, opts.keys);
  const transport = opts.transport ?? 'u1';
  if (opts.lostPercent !== undefined && transport.startsWith('t')) {
    throw new SippError('-lost over TCP drops messages that nothing retransmits; use it with UDP only');
  }
  const injectionFile = opts.injectionFile === undefined ? undefined : resolveInjectionFile(opts.injectionFile);
  const port = opts.localPort ?? (await freeSipPort());
  const scenarioName = file === null ? opts.scenario : path.basename(file, '.xml');
  const traceDir = fs.mkdtempSync(path.join(os.tmpdir(), `sipp-${scenarioName}-`));
  const files = {
    errors: path.join(traceDir, 'errors.log'),
    stats: path.join(traceDir, 'stats.csv'),
    messages: path.join(traceDir, 'messages.log'),
  };

  const args: string[] = [];
  if (file === null) args.push('-sn', opts.scenario);
  else args.push('-sf', file);
  const local = opts.localAddress ?? '127.0.0.1';
  args.push('-i', local, '-bind_local', '-mi', local, '-p', String(port), '-t', transport, '-nostdin');
  const calls = opts.calls ?? 1;
  if (calls > 0) args.push('-m', String(calls));
  if (opts.rate !== undefined) args.push('-r', String(opts.rate));
  if (opts.ratePeriodMs !== undefined) args.push('-rp', String(opts.ratePeriodMs));
  if (opts.maxConcurrent !== undefined) args.push('-l', String(opts.maxConcurrent));
  if (opts.service !== undefined) args.push('-s', opts.service);
  if (injectionFile !== undefined) args.push('-inf', injectionFile);
  for (const [k, v] of Object.entries(keys)) args.push('-key', k, v);
  if (opts.lostPercent !== undefined) args.push('-lost', String(opts.lostPercent));
  if (opts.sippTimeoutMs !== undefined) args.push('-timeout', `${Math.max(1, Math.ceil(opts.sippTimeoutMs / 1000))}s`);
  if (opts.recvTimeoutMs !== undefined) args.push('-recv_timeout', String(opts.recvTimeoutMs));
  if (opts.auth?.user !== undefined) args.push('-au', opts.auth.user);
  if (opts.auth?.password !== undefined) args.push('-ap', opts.auth.password);
  const authUri = opts.auth?.uri ?? keys.domain;
  if (authUri !== undefined) args.push('-auth_uri', authUri);
  args.push('-trace_err', '-error_file', files.errors, '-trace_stat', '-stf', files.stats);
  if (opts.traceMessages) args.push('-trace_msg', '-message_file', files.messages);
  args.push(...(opts.extraArgs ?? []));
  if (opts.remote !== undefined) args.push(opts.remote);

  const command = [SIPP_BINARY, ...args].join(' ');
  const started = Date.now();
  const proc: RunningProcess = startProcess(SIPP_BINARY, args, { cwd: traceDir });
  const { child } = proc;
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  // Whoever ends the process (stop(), stopAll(), the hard timeout) goes through child.kill().
  let stopped = false;
  const kill = child.kill.bind(child);
  child.kill = (signal?: NodeJS.Signals | number) => {
    if (signal !== 'SIGUSR1') stopped = true;
    return kill(signal);
  };

  // 'close' comes after 'exit', once stdout and stderr are drained.
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });

  let timedOut = false;
  const collect = async (): Promise<SippResult> => {
    const { code, signal } = await exit;
    const columnsCsv = readIfExists(files.stats);
    const stats = parseStatsCsv(columnsCsv) ?? parseScreen(stdout);
    const result: SippResult = {
      exitCode: code,
      signal,
      meaning: exitMeaning(code, signal),
      stopped,
      stats,
      successfulCalls: stats?.successfulCalls ?? 0,
      failedCalls: stats?.failedCalls ?? 0,
      stdout,
      stderr,
      errorLog: formatErrorLog(readIfExists(files.errors)),
      messageLog: readIfExists(files.messages),
      traceDir,
      command,
      durationMs: Date.now() - started,
    };
    if (code === 0 && !timedOut && !opts.keepTraces) fs.rmSync(traceDir, { recursive: true, force: true });
    return result;
  };

  const hardTimeoutMs = opts.hardTimeoutMs ?? 30_000;
  const timer = setTimeout(() => {
    timedOut = true;
    void proc.stop();
  }, hardTimeoutMs);
  const finished = collect().finally(() => clearTimeout(timer));
  const donePromise = finished.then((result) => {
    if (timedOut) {
      throw new SippError(
        `${scenarioName} (pid ${child.pid}, port ${port}) was still running after ${hardTimeoutMs} ms and was killed\n`
          + `${command}\n${summarize(result)}`,
        result,
      );
    }
    return result;
  });
  donePromise.catch(() => undefined); // a caller may never ask; the rejection is theirs when they do

  const run: SippRun = {
    pid: child.pid ?? -1,
    port,
    transport,
    scenario: file ?? opts.scenario,
    args,
    traceDir,
    ready: (timeoutMs = 5000) => waitListening(child.pid ?? -1, port, transport, timeoutMs, finished, scenarioName),
    done: () => donePromise,
    quit: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGUSR1');
    },
    stop: async () => {
      await proc.stop();
      return finished;
    },
  };
  if (child.pid === undefined) {
    clearTimeout(timer);
    throw new SippError(`could not start ${SIPP_BINARY}: ${proc.output()}`);
  }
  if (opts.waitReady ?? opts.remote === undefined) {
    try {
      await run.ready();
    } catch (err) {
      await run.stop();
      throw err;
    }
  }
  return run;
}

/** Throws a SippError with the error log unless the run exited 0 with `expectedCalls` successful calls. */
export function assertSippPassed(result: SippResult, expectedCalls?: number): void {
  const ok = result.exitCode === 0 && !result.stopped && result.failedCalls === 0
    && (expectedCalls === undefined || result.successfulCalls === expectedCalls);
  if (!ok) {
    const want = expectedCalls === undefined ? '' : ` with ${expectedCalls} successful calls`;
    throw new SippError(`SIPp run did not pass${want}\n${result.command}\n${summarize(result)}`, result);
  }
}

/** A few lines on how a run went, for error messages. */
export function summarize(result: SippResult): string {
  const s = result.stats;
  const counts = s
    ? `calls: ${s.successfulCalls} successful, ${s.failedCalls} failed of ${s.totalCalls}`
      + (Object.keys(s.failureCauses).length ? ` (${Object.entries(s.failureCauses).map(([k, v]) => `${k}=${v}`).join(', ')})` : '')
    : 'no statistics';
  const lines = [
    `exit: ${result.exitCode ?? result.signal} (${result.meaning})${result.stopped ? ', stopped' : ''}; ${counts}`,
    `traces: ${result.traceDir}`,
  ];
  if (result.errorLog) lines.push(`error log:\n${tail(result.errorLog, 4000)}`);
  const output = (result.stderr + result.stdout).trim();
  if (!result.errorLog && output) lines.push(`output:\n${tail(output, 2000)}`);
  return lines.join('\n');
}

function tail(text: string, max: number): string {
  return text.length <= max ? text : `...${text.slice(-max)}`;
}

function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** SIPp writes error events without a line break between them; put one before each timestamp. */
export function formatErrorLog(text: string): string {
  return text
    .replace(/(?<=\S)(\d{4}-\d\d-\d\d\t\d\d:\d\d:\d\d\.\d{6}\t)/g, '\n$1')
    .replace(/^The following events occurred:\n?/m, '')
    .trim();
}

/** Parses the -trace_stat CSV (';'-separated, one header line, one line per dump). */
export function parseStatsCsv(csv: string): SippStats | null {
  const lines = csv.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length < 2) return null;
  const header = lines[0].split(';');
  const last = lines[lines.length - 1].split(';');
  const columns: Record<string, string> = {};
  header.forEach((name, i) => {
    if (name && !name.endsWith('(P)')) columns[name.replace(/\(C\)$/, '')] = last[i] ?? '';
  });
  const num = (name: string) => Number(columns[name] ?? 0) || 0;
  const failureCauses: Record<string, number> = {};
  const responseTimesMs: Record<string, number> = {};
  for (const [name, value] of Object.entries(columns)) {
    if (name.startsWith('Failed') && name !== 'FailedCall' && Number(value) > 0) failureCauses[name] = Number(value);
    const rt = /^(ResponseTime\d+)$/.exec(name);
    if (rt) responseTimesMs[rt[1]] = durationToMs(value);
  }
  return {
    totalCalls: num('TotalCallCreated'),
    successfulCalls: num('SuccessfulCall'),
    failedCalls: num('FailedCall'),
    retransmissions: num('Retransmissions'),
    outOfCallMessages: num('OutOfCallMsgs'),
    deadCallMessages: num('DeadCallMsgs'),
    failureCauses,
    responseTimesMs,
    columns,
  };
}

/** "hh:mm:ss:uuuuuu" (SIPp's duration format) to ms. */
function durationToMs(value: string): number {
  const m = /^(\d+):(\d+):(\d+):(\d+)$/.exec(value.trim());
  if (!m) return Number.NaN;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]) / 1000;
}

/** Falls back on the final statistics screen SIPp prints to stdout. */
export function parseScreen(stdout: string): SippStats | null {
  const cumulative = (label: string): number | null => {
    const all = [...stdout.matchAll(new RegExp(`^\\s*${label}\\s*\\|[^|]*\\|\\s*(\\d+)`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : null;
  };
  const successfulCalls = cumulative('Successful call');
  const failedCalls = cumulative('Failed call');
  if (successfulCalls === null || failedCalls === null) return null;
  return {
    totalCalls: cumulative('Total Calls created') ?? successfulCalls + failedCalls,
    successfulCalls,
    failedCalls,
    retransmissions: 0,
    outOfCallMessages: 0,
    deadCallMessages: 0,
    failureCauses: {},
    responseTimesMs: {},
    columns: {},
  };
}

/** Polls the kernel's socket tables until the process has a socket bound to the port. */
async function waitListening(
  pid: number,
  port: number,
  transport: SippTransport,
  timeoutMs: number,
  finished: Promise<SippResult>,
  name: string,
): Promise<void> {
  const state: { exited?: SippResult } = {};
  void finished.then((r) => { state.exited = r; }, () => undefined);
  const deadline = Date.now() + timeoutMs;
  const proto = transport.startsWith('t') ? 'tcp' : 'udp';
  for (;;) {
    if (isListening(port, proto, pid)) return;
    if (state.exited) {
      throw new SippError(`${name} exited before listening on port ${port}\n${summarize(state.exited)}`, state.exited);
    }
    if (Date.now() > deadline) throw new SippError(`${name} did not listen on ${proto} port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const PORT_TABLES = { tcp: ['/proc/net/tcp', '/proc/net/tcp6'], udp: ['/proc/net/udp', '/proc/net/udp6'] };

/** The inodes of a process's sockets (none once it is gone), or null when there is no /proc. */
function socketInodes(pid: number): Set<string> | null {
  if (!fs.existsSync('/proc/self/fd')) return null;
  if (!fs.existsSync(`/proc/${pid}/fd`)) return new Set();
  try {
    const inodes = new Set<string>();
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // the fd closed meanwhile
      }
    }
    return inodes;
  } catch {
    return null;
  }
}

/**
 * True when a socket is bound to the port (UDP) or listens on it (TCP), per /proc/net; with a
 * pid, only that process's sockets count. (Probing by binding the port would race with SIPp's
 * own bind, and SIPp sets SO_REUSEADDR, so on Linux two SIPps can even share one UDP port.)
 */
export function isListening(port: number, proto: 'tcp' | 'udp', pid?: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = pid === undefined ? null : socketInodes(pid);
  for (const table of PORT_TABLES[proto]) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || !cols[1].endsWith(`:${hexPort}`)) continue;
      if (proto === 'tcp' && cols[3] !== '0A') continue; // 0A = TCP_LISTEN
      if (inodes && !inodes.has(cols[9])) continue;
      return true;
    }
  }
  return false;
}
