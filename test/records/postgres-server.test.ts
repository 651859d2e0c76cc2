import pg from 'pg';
import { startPostgres, type TestPostgres } from './postgres-server';

describe('the test PostgreSQL server', () => {
  let server: TestPostgres | undefined;
  afterAll(async () => server?.destroy());

  it('starts on a free port, answers, and stops by pid (also when root)', async () => {
    server = await startPostgres();
    const client = new pg.Client({ connectionString: await server.createDatabase() });
    await client.connect();
    const rows = (await client.query('select current_user as u')).rows;
    await client.end();
    expect(rows).toEqual([{ u: 'switchboard' }]);
    const pid = server.pid() as number;
    await server.stop();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
