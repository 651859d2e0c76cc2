/**
 * /readyz on the real server: ready once started; the embedded rtpengine killed → 503 naming
 * media; the relay restarts it → ready again.
 */
import { execFileSync } from 'node:child_process';
import { stopAll, waitFor } from '../support/processes';
import { startServer, type ServerProcess } from '../e2e/server-process';
import { startRedis, type TestRedis } from '../support/redis-server';

interface ReadyBody { status: string; parts: Record<string, string> }

async function readyz(server: ServerProcess): Promise<{ status: number; body: ReadyBody }> {
  const res = await fetch(`${server.url}/readyz`);
  return { status: res.status, body: (await res.json()) as ReadyBody };
}

function rtpengineChild(pid: number): number | undefined {
  try {
    const out = execFileSync('pgrep', ['-P', String(pid), 'rtpengine'], { encoding: 'utf8' }).trim();
    return out ? Number(out.split('\n')[0]) : undefined;
  } catch {
    return undefined;
  }
}

describe('readiness of the running server', () => {
  let redis: TestRedis | undefined;
  afterAll(async () => {
    await stopAll();
    await redis?.stop();
  });

  it('is ready, goes not-ready naming media when rtpengine dies, and ready again once it is restarted', async () => {
    const server = await startServer();
    const first = await readyz(server);
    expect(first).toEqual({ status: 200, body: { status: 'ready', parts: { sip: 'up', media: 'up', store: 'up', records: 'up' } } });

    const pid = rtpengineChild(server.proc.child.pid!);
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');

    let seen: { status: number; body: ReadyBody } | undefined;
    await waitFor(async () => {
      seen = await readyz(server);
      return seen.status === 503;
    }, '/readyz to answer 503', 10_000);
    expect(seen!.body).toEqual({ status: 'not-ready', parts: { sip: 'up', media: 'down', store: 'up', records: 'up' } });

    await waitFor(async () => (await readyz(server)).status === 200, '/readyz to answer 200 again', 30_000);
    const restarted = rtpengineChild(server.proc.child.pid!);
    expect(restarted).toBeDefined();
    expect(restarted).not.toBe(pid);
  });

  it('with Redis: ready while Redis answers, not ready naming the store once it is gone, and still exits 0 on SIGTERM', async () => {
    redis = await startRedis();
    const server = await startServer({ SWITCHBOARD_REDIS_URL: redis.url, SWITCHBOARD_REDIS_PREFIX: `readyz-${process.pid}-${Date.now()}` });
    expect(await readyz(server)).toEqual({ status: 200, body: { status: 'ready', parts: { sip: 'up', media: 'up', store: 'up', records: 'up' } } });
    await redis.stop();
    let seen: { status: number; body: ReadyBody } | undefined;
    await waitFor(async () => {
      seen = await readyz(server);
      return seen.status === 503;
    }, '/readyz to answer 503', 15_000);
    expect(seen!.body).toEqual({ status: 'not-ready', parts: { sip: 'up', media: 'up', store: 'down', records: 'up' } });
    expect(server.proc.child.exitCode).toBeNull();
    // with the store gone the server still shuts down cleanly
    server.proc.child.kill('SIGTERM');
    await expect(server.proc.exited).resolves.toBe(0);
  });
});
