/** Runs a SipEngine inside a worker thread; see worker.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import { SipEngine } from './engine';
import type { EngineLogger } from './logger';
import type { WorkerCommand, WorkerData, WorkerReply } from './worker-protocol';

const data = workerData as WorkerData;
const port = parentPort!;
const post = (m: WorkerReply) => port.postMessage(m);
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
const min = LEVELS.indexOf((data.logLevel ?? 'info') as (typeof LEVELS)[number]);
const logger = Object.fromEntries(
  LEVELS.map((level, i) => [level, (obj: object, msg?: string) => {
    if (i >= min) post({ type: 'log', level, obj: JSON.parse(JSON.stringify(obj, errorReplacer)) as object, msg });
  }]),
) as unknown as EngineLogger;

const engine = new SipEngine({ listen: data.listen, admin: data.admin, timers: data.timers, sessionTimers: data.sessionTimers, sourceLimits: data.sourceLimits, badInputLogsPerMinute: data.badInputLogsPerMinute, logger, ...(data.compat ? { compat: data.compat } : {}) });
engine.on('flowClosed', (flow) => post({ type: 'flowClosed', flow }));
engine.start().then(
  () => post({ type: 'ready', adminPort: engine.adminPort, hostports: engine.hostports(), listening: engine.listening() }),
  (err: Error) => post({ type: 'failed', message: err.message }),
);

port.on('message', (cmd: WorkerCommand) => {
  if (cmd.type === 'stats') post({ type: 'stats', id: cmd.id, stats: engine.stats() });
  else if (cmd.type === 'close') void engine.close().then(() => post({ type: 'closed' }));
});

function errorReplacer(_k: string, v: unknown): unknown {
  return v instanceof Error ? { message: v.message, stack: v.stack } : v;
}
