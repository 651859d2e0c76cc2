import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../config';
import { startupBanner } from './banner';

const demoPath = join(__dirname, '../../config/demo.yaml');
const demo = { path: 'config/demo.yaml', text: readFileSync(demoPath, 'utf8') };
const SECRET_FIELDS = new Set(['password', 'secret', 'metricsToken', 'md5', 'sha256']);

/** Every secret value in a configuration: passwords, secrets, HA1 hashes, the metrics token, URL passwords. */
function secretsOf(value: unknown, key = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => secretsOf(v));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => secretsOf(v, k));
  if (typeof value !== 'string') return [];
  if (SECRET_FIELDS.has(key)) return [value];
  const url = /^[a-z]+:\/\/[^:@/]*:([^@/]+)@/i.exec(value);
  return url ? [url[1]!] : [];
}

const everySecret = (): Config => loadConfig({}, [demo, {
  path: 'secrets.yaml',
  text: [
    'sip: { engine: { mode: embedded, secret: engine-admin-secret } }',
    'redis: { url: "redis://user:redis-url-password@127.0.0.1:6379/0" }',
    'ops: { metricsToken: metrics-bearer-token-0123 }',
    'trunks:',
    '  - { id: local, allow: [127.0.0.1] }',
    '  - { id: carrier, digest: { username: carrier, password: trunk-digest-password } }',
  ].join('\n'),
}]);

describe('startupBanner', () => {
  it('never prints a configured password, secret or token, and says where the credentials are', () => {
    const config = everySecret();
    const secrets = secretsOf(config);
    expect(secrets).toEqual(expect.arrayContaining(['alice-demo', 'bob-demo', 'engine-admin-secret', 'redis-url-password', 'metrics-bearer-token-0123', 'trunk-digest-password']));
    const text = startupBanner({ config, configFiles: ['config/demo.yaml', 'secrets.yaml'], sip: 'udp/127.0.0.1:5060', sipAddress: { address: '127.0.0.1', port: 5060 } });
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).toContain('Operators: alice, bob');
    expect(text).toContain('operators[].sip.password in config/demo.yaml, secrets.yaml');
  });

  it('names HA1 credentials without printing the hashes', () => {
    const config = loadConfig({}, [demo, {
      path: 'ha1.yaml',
      text: 'operators:\n  - { id: carol, name: Carol, queues: [{ queue: support }], sip: { username: carol, ha1: { md5: "0123456789abcdef0123456789abcdef", sha256: "'
        + 'ab'.repeat(32) + '" } } }\n',
    }]);
    const text = startupBanner({ config, configFiles: ['ha1.yaml'], sip: 'x' });
    for (const secret of secretsOf(config)) expect(text).not.toContain(secret);
    expect(text).toContain('operators[].sip.ha1 in ha1.yaml');
  });

  it('lists the softphone, SIP listeners and the numbers to call', () => {
    const config = loadConfig({}, [demo]);
    expect(startupBanner({ config, configFiles: [demoPath], sip: 'udp/127.0.0.1:5070,tcp/127.0.0.1:5070', sipAddress: { address: '127.0.0.1', port: 5070 }, http: { address: '127.0.0.1', port: 8090 } }))
      .toBe([
        '',
        'Switchboard is running.',
        '  Softphone: http://127.0.0.1:8090/',
        '  Operators: alice, bob',
        `    (credentials: operators[].sip.password in ${demoPath}; never printed)`,
        '  SIP: udp/127.0.0.1:5070,tcp/127.0.0.1:5070',
        '  Call sip:100@127.0.0.1:5070 → queue support',
        '',
        '',
      ].join('\n'));
  });
});
