/**
 * The records layer as the server uses it, against a real PostgreSQL server: the database stopped
 * mid-run (writes buffered, readiness degraded, written once it is back), a crashed run's live
 * calls closed as interrupted at the next start, operator activity from a real routing core.
 */
import { Acd } from '../../server/routing';
import { MemoryAcdStore } from '../../server/store';
import { openRecords, type Records, type RecordsSettings } from '../../server/records/open-records';
import { waitFor } from '../support/processes';
import { answeredCall, liveCall } from './fixtures';
import { startPostgres, type TestPostgres } from './postgres-server';

let server: TestPostgres | undefined;
const open: Records[] = [];
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  for (const r of open) await r.close();
  await server?.destroy();
});

const settings = (url: string): RecordsSettings => ({ url, retentionDays: 30, bufferMax: 1000, timeZone: 'Europe/Berlin', shortAbandonSeconds: 5 });
async function start(url: string, instanceId: string): Promise<Records> {
  const r = await openRecords(settings(url), { instanceId, retryMinMs: 50, retryMaxMs: 200 });
  open.push(r);
  return r;
}

describe('records with a PostgreSQL server', () => {
  it('database stopped mid-run: calls keep being recorded in the buffer, readiness degraded, all written when it is back', async () => {
    const pg = server as TestPostgres;
    const records = await start(await pg.createDatabase(), 'node-outage');
    const first = answeredCall();
    await records.writer.saveCall(first);
    await records.writer.flush();
    await pg.stop();
    const during = liveCall();
    await records.writer.saveCall(during);
    const ended = answeredCall({ callId: during.callId, arrivedAt: during.arrivedAt });
    await records.writer.saveCall(ended);
    await records.writer.recordActivity({ operatorId: 'alice', state: 'available', at: ended.arrivedAt, instanceId: 'node-outage' });
    await waitFor(() => records.state() === 'degraded', 'records degraded', 30_000);
    expect(records.writer.stats()).toMatchObject({ pending: 2, dropped: 0 });
    await pg.start();
    await records.writer.flush(60_000);
    expect(records.state()).toBe('up');
    expect(await records.store.getCall(ended.callId)).toEqual(ended);
    expect(await records.store.getCall(first.callId)).toEqual(first);
    expect(await records.store.queryActivity({ operatorId: 'alice' })).toHaveLength(1);
  }, 120_000);

  it('a crashed run: its live calls are closed as interrupted when the instance starts again; other instances keep theirs', async () => {
    const url = await (server as TestPostgres).createDatabase();
    const crashed = await start(url, 'node-a');
    const other = await start(url, 'node-b');
    const live = liveCall({ instanceId: 'node-a', arrivedAt: Date.now() });
    const elsewhere = liveCall({ instanceId: 'node-b', arrivedAt: Date.now() });
    await crashed.writer.saveCall(live);
    await other.writer.saveCall(elsewhere);
    await crashed.close(); // the process died with the call live
    const again = await start(url, 'node-a');
    expect(again.interruptedAtStart).toBe(1);
    expect(await again.store.getCall(live.callId)).toMatchObject({ outcome: 'interrupted' });
    await other.writer.flush();
    expect((await again.store.getCall(elsewhere.callId))?.outcome).toBeUndefined();
  }, 60_000);

  it('records operator activity from the routing core, with pause reasons', async () => {
    const records = await start(await (server as TestPostgres).createDatabase(), 'node-acd');
    let now = Date.UTC(2026, 2, 2, 8);
    const acd = new Acd({ store: new MemoryAcdStore(), now: () => now, newId: () => `id${now}`, random: () => 0.5 });
    await acd.configure({ queues: [{ id: 'support', strategy: 'longest-idle' }], operators: [{ id: 'ann', queues: [{ queue: 'support' }] }] });
    const stop = records.recordActivityFrom(acd);
    await acd.operatorLogin('ann', { pausedReason: 'login' });
    now += 60_000;
    await acd.setAvailable('ann');
    now += 600_000;
    await acd.pause('ann', 'break');
    now += 300_000;
    await acd.logout('ann');
    stop();
    await records.writer.flush();
    const intervals = await records.store.queryActivity({ operatorId: 'ann' });
    expect(intervals.map((i) => [i.state, i.reason, (i.endedAt ?? now) - i.startedAt])).toEqual([
      ['paused', 'login', 60_000], ['available', undefined, 600_000], ['paused', 'break', 300_000], ['offline', undefined, 0],
    ]);
  }, 60_000);

  it('retention deletes what is older than records.retentionDays', async () => {
    const records = await start(await (server as TestPostgres).createDatabase(), 'node-retention');
    const old = answeredCall({ arrivedAt: Date.now() - 31 * 86_400_000 });
    const recent = answeredCall({ arrivedAt: Date.now() - 29 * 86_400_000 });
    await records.store.saveCalls([old, recent]);
    // the job's own pass at start ran before these were saved; run one now
    const { startRetention } = await import('../../server/records/retention');
    const job = startRetention({ store: records.store, retentionDays: 30, log: { info: () => undefined, warn: () => undefined, error: () => undefined } });
    await job.stop();
    expect(await job.runOnce()).toEqual({ calls: 0, activity: 0 }); // the start pass already deleted it
    expect(await records.store.getCall(old.callId)).toBeUndefined();
    expect(await records.store.getCall(recent.callId)).toEqual(recent);
  }, 60_000);
});
