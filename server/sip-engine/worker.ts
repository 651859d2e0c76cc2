import * as path from 'node:path';
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { SipEngineEvents, SipEngineStats } from './engine';
import { silentLogger, type EngineLogger } from './logger';
import type { WorkerCommand, WorkerData, WorkerReply } from './worker-protocol';
import type { Protocol } from './transport/types';

export interface EngineWorkerOptions extends WorkerData {
  logger?: EngineLogger;
}

/** A SipEngine running in its own worker thread (so SIP parsing and timers use another core). */
export interface EngineWorker extends EventEmitter<SipEngineEvents> {
  readonly adminPort: number;
  readonly hostports: string;
  readonly listening: Array<{ protocol: Protocol; address: string; port: number }>;
  stats(): Promise<SipEngineStats>;
  close(): Promise<void>;
}

/** Starts the engine in a worker thread and resolves once it listens (rejects with its start-up error). */
export function startEngineWorker(options: EngineWorkerOptions): Promise<EngineWorker> {
  const { logger = silentLogger, ...data } = options;
  const ext = path.extname(__filename);
  const worker = new Worker(path.join(__dirname, `worker-entry${ext}`), {
    workerData: data,
    // under ts-jest/tsx the sources are TypeScript: let the worker load them the same way
    execArgv: ext === '.ts' ? ['--require', 'tsx/cjs'] : [],
  });
  let nextId = 1;
  const pending = new Map<number, (s: SipEngineStats) => void>();
  let closed: (() => void) | undefined;
  const events = new EventEmitter<SipEngineEvents>();

  return new Promise((resolve, reject) => {
    worker.on('error', (err) => reject(err));
    worker.on('exit', (code) => {
      closed?.();
      reject(new Error(`SIP engine worker exited with code ${code}`));
    });
    worker.on('message', (m: WorkerReply) => {
      switch (m.type) {
        case 'log':
          logger[m.level](m.obj, m.msg);
          break;
        case 'failed':
          void worker.terminate();
          reject(new Error(`SIP engine failed to start: ${m.message}`));
          break;
        case 'stats':
          pending.get(m.id)?.(m.stats);
          pending.delete(m.id);
          break;
        case 'flowClosed':
          events.emit('flowClosed', m.flow);
          break;
        case 'closed':
          void worker.terminate();
          break;
        case 'ready':
          resolve(Object.assign(events, {
            adminPort: m.adminPort,
            hostports: m.hostports,
            listening: m.listening,
            stats: () => new Promise<SipEngineStats>((res) => {
              const id = nextId++;
              pending.set(id, res);
              worker.postMessage({ type: 'stats', id } satisfies WorkerCommand);
            }),
            close: () => new Promise<void>((res) => {
              closed = res;
              worker.postMessage({ type: 'close' } satisfies WorkerCommand);
            }),
          }));
      }
    });
  });
}
