import { freeTcpPort } from '../support/ports';
import { startProcess, waitFor, type RunningProcess } from '../support/processes';

export interface TestRedis {
  url: string;
  port: number;
  process: RunningProcess;
}

/** A private redis-server on a free port, no persistence; stop it with stopAll() or process.stop(). */
export async function startRedis(): Promise<TestRedis> {
  const port = await freeTcpPort();
  const proc = startProcess('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    env: { ...process.env, LC_ALL: 'en_US.UTF-8' }, // a collating locale: scripts must not depend on it
  });
  await waitFor(() => proc.output().includes('Ready to accept connections'), 'redis-server to start', 10_000);
  return { url: `redis://127.0.0.1:${port}`, port, process: proc };
}

export function randomPrefix(): string {
  return `t${Math.random().toString(36).slice(2, 10)}`;
}
