import { ConfigError } from './config-error';
import { loadConfig, type ConfigEnv } from './load-config';
import { redactConfig } from './redact';

const file = (content: unknown) => ({ path: 'test.yaml', text: JSON.stringify(content) });

function problemsOf(content: unknown, env: ConfigEnv = {}): string[] {
  try {
    loadConfig(env, [file(content)]);
  } catch (err) {
    if (err instanceof ConfigError) return err.details.problems as string[];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('records config', () => {
  it('roles name configured operators', () => {
    const operators = [{ id: 'sue', name: 'Sue', sip: { username: 'sue', password: 'pw' } }];
    expect(loadConfig({}, [file({ operators, roles: { supervisors: ['sue'] } })]).roles).toEqual({ supervisors: ['sue'], admins: [] });
  });

  it('has defaults: in memory, 400 days, 10,000 buffered writes, UTC, 5 s short abandons', () => {
    expect(loadConfig({}, [file({})]).records).toEqual({
      retentionDays: 400, bufferMax: 10_000, timeZone: 'UTC', shortAbandonSeconds: 5,
      dispositions: ['resolved', 'callback', 'escalated', 'no-action'],
    });
  });

  it('takes a server URL from the environment and hides its password when printed', () => {
    const c = loadConfig({ SWITCHBOARD_RECORDS_URL: 'postgres://sb:secret@db:5432/switchboard' }, [file({ records: { timeZone: 'Europe/Berlin' } })]);
    expect(c.records).toMatchObject({ url: 'postgres://sb:secret@db:5432/switchboard', timeZone: 'Europe/Berlin' });
    expect(JSON.stringify(redactConfig(c))).not.toContain('secret');
  });

  it.each([
    [{ records: { timeZone: 'Mars/Olympus' } }, 'records.timeZone'],
    [{ records: { dir: './data', url: 'postgres://db/x' } }, 'records.url'],
    [{ records: { url: 'mysql://db/x' } }, 'records.url'],
    [{ records: { bufferMax: 0 } }, 'records.bufferMax'],
    [{ records: { defaultCountryCode: '+49' } }, 'records.defaultCountryCode'],
    [{ records: { retention: 3 } }, 'records'],
    [{ roles: { admins: ['nobody'] } }, 'roles.admins[0]'],
  ])('names the field of a bad value: %j', (content, field) => {
    expect(problemsOf(content).join('\n')).toContain(field);
  });
});
