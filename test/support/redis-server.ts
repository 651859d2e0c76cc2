import { createClient } from 'redis';
import { freeTcpPort } from './ports';
import { startProcess, waitFor, type RunningProcess } from './processes';

export interface TestRedis {
  url: string;
  process: RunningProcess;
  stop(): Promise<void>;
}

/** Starts a private redis-server on a free 127.0.0.1 port, with no persistence. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freeTcpPort();
  const proc = startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(async () => {
    const c = createClient({ url });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.ping();
      await c.quit();
      return true;
    } catch {
      return false;
    }
  }, `redis-server on ${port}`, 10000);
  return { url, process: proc, stop: () => proc.stop() };
}
