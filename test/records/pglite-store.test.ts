import { openRecordStore } from '../../server/records/sql-record-store';
import { describeRecordStoreConformance } from './conformance-suite';
import { describeReports } from './report-suite';

const factory = { create: () => openRecordStore({}) };
describeRecordStoreConformance('PGlite (in memory)', factory);
describeReports('PGlite (in memory)', factory);

describe('PGlite with a data directory', () => {
  it('keeps the records across a close and reopen', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { answeredCall } = await import('./fixtures');
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-pglite-'));
    try {
      const first = await openRecordStore({ dir: join(dir, 'records') });
      const rec = answeredCall();
      await first.saveCall(rec);
      await first.close();
      const second = await openRecordStore({ dir: join(dir, 'records') });
      try {
        expect(await second.getCall(rec.callId)).toEqual(rec);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('migration 2 (calls linked to customers by the caller\'s E.164 number)', () => {
  it('fills caller_e164 of the calls recorded before it, for callers already in E.164', async () => {
    const { openPgliteClient } = await import('../../server/records/pglite-client');
    const { migrate, MIGRATIONS } = await import('../../server/records/migrations');
    const client = await openPgliteClient(undefined);
    try {
      await migrate(client, MIGRATIONS.slice(0, 1));
      for (const [id, caller] of [['e164', '+4930123456'], ['national', '030123456'], ['anon', 'anonymous']]) {
        await client.query(
          `insert into calls (call_id, direction, queue, trunk_id, caller, number, instance_id, arrived_at, wait_seconds, talk_seconds, hold_seconds, updated_at)
           values ($1, 'inbound', 'support', 'pstn', $2, '100', 'i1', 0, 0, 0, 0, 0)`,
          [id, caller],
        );
      }
      expect(await migrate(client, MIGRATIONS.slice(0, 2))).toEqual([2]);
      expect(await client.query('select call_id, caller_e164 from calls order by call_id')).toEqual([
        { call_id: 'anon', caller_e164: null }, { call_id: 'e164', caller_e164: '+4930123456' }, { call_id: 'national', caller_e164: null },
      ]);
    } finally {
      await client.close();
    }
  });
});
