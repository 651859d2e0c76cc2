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
