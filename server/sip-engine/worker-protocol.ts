import type { FlowInfo, SipEngineStats } from './engine';
import type { TimerValues } from './transaction/clock';
import type { SessionTimerOptions } from './core/session-timer';
import type { ListenSpec, Protocol } from './transport/types';
import type { SourceLimitsOptions } from './transport/source-limits';
import type { EngineCompat } from './drachtio/server-compat';

/** What the parent gives the engine worker (plain data: it crosses the thread boundary). */
export interface WorkerData {
  listen: ListenSpec[];
  admin: { address: string; port: number; secret: string };
  timers?: Partial<TimerValues>;
  sessionTimers?: Partial<SessionTimerOptions>;
  sourceLimits?: Partial<SourceLimitsOptions>;
  badInputLogsPerMinute?: number;
  logLevel?: string;
  compat?: EngineCompat;
}

export type WorkerCommand = { type: 'stats'; id: number } | { type: 'close' };

export type WorkerReply =
  | { type: 'ready'; adminPort: number; hostports: string; listening: Array<{ protocol: Protocol; address: string; port: number }> }
  | { type: 'failed'; message: string }
  | { type: 'stats'; id: number; stats: SipEngineStats }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; obj: object; msg?: string }
  | { type: 'flowClosed'; flow: FlowInfo }
  | { type: 'closed' };
