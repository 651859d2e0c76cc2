import { openRecordStore } from '../../server/records/sql-record-store';
import { describeRecordStoreConformance } from './conformance-suite';
import { startPostgres, type TestPostgres } from './postgres-server';
import { describeReports } from './report-suite';

let server: TestPostgres | undefined;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => server?.destroy());

const factory = {
  async create() {
    if (!server) throw new Error('PostgreSQL did not start');
    return openRecordStore({ url: await server.createDatabase() });
  },
};
describeRecordStoreConformance('PostgreSQL server', factory);
describeReports('PostgreSQL server', factory);
