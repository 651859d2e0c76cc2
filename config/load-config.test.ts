import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { readConfigFiles } from './read-config-files';
import { redactConfig } from './redact';

const example = (name: string) => ({ path: `config/${name}`, text: readFileSync(join(__dirname, name), 'utf8') });
const demo = example('demo.yaml');
const prod = example('example.yaml');
const yaml = (text: string, path = 'extra.yaml') => ({ path, text });

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('the example configurations', () => {
  it('demo.yaml: trunk local from 127.0.0.1, number 100 → support, alice and bob', () => {
    const c = loadConfig({}, [demo]);
    expect(c.trunks).toEqual([{ id: 'local', allow: ['127.0.0.1'], maxCallsPerSecond: 50, maxConcurrentCalls: 500 }]);
    expect(c.numbers).toEqual([{ number: '100', queue: 'support', ringback: 'music' }]);
    expect(c.queues).toEqual([expect.objectContaining({ id: 'support', strategy: 'longest-idle', ringTimeoutMs: 15000, wrapUpMs: 10000 })]);
    expect(c.operators.map((o) => [o.id, o.sip.username, o.queues])).toEqual([
      ['alice', 'alice', [{ queue: 'support', penalty: 0 }]],
      ['bob', 'bob', [{ queue: 'support', penalty: 0 }]],
    ]);
    expect(c.operators.every((o) => typeof o.sip.password === 'string')).toBe(true);
  });

  it('demo.yaml gets every default', () => {
    const c = loadConfig({}, [demo]);
    expect(c.sip).toEqual({
      listen: ['sip:127.0.0.1:5060;transport=udp,tcp'],
      ws: { address: '127.0.0.1', port: 8088 },
      realm: 'switchboard.local',
      digest: ['md5'],
      engine: { mode: 'embedded', port: 0 },
      registrar: { minExpires: 60, maxExpires: 3600, defaultExpires: 600 },
      keepAlive: { mode: 'auto', intervalMs: 30_000, timeoutMs: 10_000, maxInFlight: 50 },
      sessionTimers: { minSE: 90, defaultRefresher: 'none' },
      authLimiter: { maxFailures: 10, windowMs: 60000, coolDownMs: 300000 },
      limits: {
        maxMediaLines: 4, maxContactsPerRegister: 10, maxBindingsPerOperator: 10,
        perSource: { requestsPerSecond: 20, burst: 40, blockSeconds: 10, maxConnections: 100, incompleteMessageSeconds: 10, trusted: [] },
      },
    });
    expect(c.http).toEqual({ address: '127.0.0.1', port: 8080, sessionTtlMs: 8 * 3600_000 });
    expect(c.media).toEqual({
      rtpengine: { mode: 'embedded', portMin: 30000, portMax: 30999 },
      recording: { enabled: false, dir: './recordings' },
      musicOnHold: 'musicOnHold',
      iceAllow: [],
      recoveryTimeoutMs: 15_000,
      sessionCheckMs: 5000,
    });
    expect(c.redis).toBeUndefined();
    expect(c.logging).toEqual({ level: 'info', badInputPerMinute: 10 });
    expect(c.ops).toEqual({ drainTimeoutMs: 60_000 });
  });

  it('example.yaml: redis, external rtpengine, wss, drachtio, two trunks, skills', () => {
    const c = loadConfig({}, [prod]);
    expect(c.redis).toEqual({ url: expect.stringMatching(/^redis:\/\//), prefix: 'switchboard-prod', commandTimeoutMs: 2000 });
    expect(c.media.rtpengine).toEqual({ mode: 'external', host: '10.0.0.20', port: 22222 });
    expect(c.sip.ws.tls).toEqual({ cert: expect.any(String), key: expect.any(String) });
    expect(c.sip.engine.mode).toBe('drachtio');
    expect(c.trunks.map((t) => t.id)).toEqual(['carrier', 'office-pbx']);
    expect(c.operators.find((o) => o.id === 'ben')?.sip.ha1).toBeDefined();
    expect(c.queues.find((q) => q.id === 'support-fr')?.skills).toEqual([{ name: 'french', level: 6 }]);
  });
});

describe('merging files', () => {
  it('later files win, mappings merge key by key, lists are replaced', () => {
    const c = loadConfig({}, [
      demo,
      yaml('http: { port: 9000 }\nqueues: [{ id: support, strategy: round-robin }]\n'),
      yaml('http: { address: 0.0.0.0 }\nsip: { registrar: { defaultExpires: 300 } }\n'),
    ]);
    expect(c.http).toMatchObject({ address: '0.0.0.0', port: 9000 });
    expect(c.sip.registrar).toEqual({ minExpires: 60, maxExpires: 3600, defaultExpires: 300 });
    expect(c.queues).toEqual([expect.objectContaining({ id: 'support', strategy: 'round-robin', wrapUpMs: 0 })]);
    expect(c.operators).toHaveLength(2);
  });

  it('a later mapping with another mode replaces the earlier one', () => {
    const c = loadConfig({}, [yaml('media: { rtpengine: { portMin: 40000, portMax: 40100 } }\n'), yaml('media: { rtpengine: { mode: external, host: 10.0.0.2, port: 22222 } }\n')]);
    expect(c.media.rtpengine).toEqual({ mode: 'external', host: '10.0.0.2', port: 22222 });
    const back = loadConfig({}, [prod, yaml('media: { rtpengine: { mode: embedded } }\n')]);
    expect(back.media.rtpengine).toEqual({ mode: 'embedded', portMin: 30000, portMax: 30999 });
  });

  it('the same mode merges', () => {
    const c = loadConfig({}, [yaml('media: { rtpengine: { portMin: 40000, portMax: 40100 } }\n'), yaml('media: { rtpengine: { mode: embedded, ngPort: 2223 } }\n')]);
    expect(c.media.rtpengine).toEqual({ mode: 'embedded', portMin: 40000, portMax: 40100, ngPort: 2223 });
  });

  it('an empty file is an empty layer', () => {
    expect(loadConfig({}, [demo, yaml('# nothing here\n')]).operators).toHaveLength(2);
  });

  it('a __proto__ key is an unknown field, not a prototype', () => {
    const err = errorOf(() => loadConfig({}, [yaml('http: { __proto__: { port: 1 } }\n')]));
    expect(err.details.fields).toEqual(['http.__proto__']);
    expect(({} as Record<string, unknown>).port).toBeUndefined();
  });
});

describe('environment overrides', () => {
  it('named variables set typed values', () => {
    const c = loadConfig(
      {
        SWITCHBOARD_HTTP_PORT: '9090',
        SWITCHBOARD_HTTP_ADDRESS: '0.0.0.0',
        SWITCHBOARD_HTTP_PUBLIC_URL: 'https://cc.example.com',
        SWITCHBOARD_LOG_LEVEL: 'debug',
        SWITCHBOARD_SIP_LISTEN: 'sip:10.0.0.1:5060;transport=udp,tcp, sips:10.0.0.1:5061;transport=tls',
        SWITCHBOARD__sip__tls: '{"cert":"/etc/tls/cert.pem","key":"/etc/tls/key.pem"}',
        SWITCHBOARD_SIP_WS_PORT: '8443',
        SWITCHBOARD_SIP_PUBLIC_ADDRESS: '203.0.113.7',
        SWITCHBOARD_SIP_REALM: 'cc.example.com',
        SWITCHBOARD_REDIS_URL: 'redis://127.0.0.1:6379',
        SWITCHBOARD_RTPENGINE: '10.0.0.2:22222',
      },
      [demo],
    );
    expect(c.http).toEqual({ address: '0.0.0.0', port: 9090, publicUrl: 'https://cc.example.com', sessionTtlMs: 8 * 3600_000 });
    expect(c.logging.level).toBe('debug');
    expect(c.sip.listen).toEqual(['sip:10.0.0.1:5060;transport=udp,tcp', 'sips:10.0.0.1:5061;transport=tls']);
    expect(c.sip.ws.port).toBe(8443);
    expect(c.sip.publicAddress).toBe('203.0.113.7');
    expect(c.sip.realm).toBe('cc.example.com');
    expect(c.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'switchboard', commandTimeoutMs: 2000 });
    expect(c.media.rtpengine).toEqual({ mode: 'external', host: '10.0.0.2', port: 22222 });
  });

  it('SWITCHBOARD_DRACHTIO and its secret select a real drachtio-server; "embedded" goes back', () => {
    const c = loadConfig({ SWITCHBOARD_DRACHTIO: '[::1]:9023', SWITCHBOARD_DRACHTIO_SECRET: 'cymru' }, [demo]);
    expect(c.sip.engine).toEqual({ mode: 'drachtio', host: '::1', port: 9023, secret: 'cymru' });
    expect(loadConfig({ SWITCHBOARD_DRACHTIO: 'embedded', SWITCHBOARD_RTPENGINE: 'embedded' }, [prod]).sip.engine).toEqual({ mode: 'embedded', port: 0 });
  });

  it('generic SWITCHBOARD__a__b variables take JSON or text and reach list entries', () => {
    const c = loadConfig(
      {
        SWITCHBOARD__media__recording__enabled: 'true',
        SWITCHBOARD__queues__0__wrapUpMs: '5000',
        SWITCHBOARD__queues__0__skills: '[{"name":"french","level":3}]',
        SWITCHBOARD__operators__1__sip__password: '1234',
        SWITCHBOARD__numbers__0__number: '200',
        SWITCHBOARD__sip__realm: 'plain.text.example',
      },
      [demo],
    );
    expect(c.media.recording.enabled).toBe(true);
    expect(c.queues[0]).toMatchObject({ wrapUpMs: 5000, skills: [{ name: 'french', level: 3 }] });
    expect(c.operators[1]!.sip.password).toBe('1234'); // passwords, usernames and numbers stay text
    expect(c.numbers[0]!.number).toBe('200');
    expect(c.sip.realm).toBe('plain.text.example');
  });

  it('applies files, then named variables, then generic ones (shallow before deep)', () => {
    const env = { SWITCHBOARD_HTTP_PORT: '1111', SWITCHBOARD__http__port: '2222', SWITCHBOARD__http: '{"port":3333,"address":"0.0.0.0"}' };
    expect(loadConfig(env, [yaml('http: { port: 4444 }\n')]).http).toMatchObject({ port: 2222, address: '0.0.0.0' });
    expect(loadConfig({ SWITCHBOARD_HTTP_PORT: '1111' }, [yaml('http: { port: 4444 }\n')]).http.port).toBe(1111);
  });

  it('ignores empty and unrelated variables', () => {
    const c = loadConfig({ SWITCHBOARD_HTTP_PORT: '', SWITCHBOARD__http__port: '', HOME: '/root', PORT: '1' }, [demo]);
    expect(c.http.port).toBe(8080);
  });

  it('reads only the environment it is given', () => {
    process.env.SWITCHBOARD_HTTP_PORT = '1234';
    try {
      expect(loadConfig({}, [demo]).http.port).toBe(8080);
    } finally {
      delete process.env.SWITCHBOARD_HTTP_PORT;
    }
  });
});

describe('secrets', () => {
  const secrets = ['alice-demo', 'bob-demo', 'change-me-drachtio-secret', 'change-me-redis-password', 'change-me-pbx-password', 'change-me-anna', '0f1e1ff2d0b1ee3a3a2e5e0b0b8e6c2f'];

  it('redactConfig replaces passwords, secrets, HA1 hashes and URL passwords with ***', () => {
    const text = JSON.stringify([redactConfig(loadConfig({}, [demo])), redactConfig(loadConfig({}, [prod]))]);
    for (const s of secrets) expect(text).not.toContain(s);
    const r = redactConfig(loadConfig({}, [prod]));
    expect(r.redis?.url).toBe('redis://:***@10.0.0.30:6379/0');
    expect(r.sip.engine).toMatchObject({ mode: 'drachtio', secret: '***' });
    expect(r.trunks[1]!.digest).toEqual({ username: 'office-pbx', password: '***' });
    expect(r.operators[1]!.sip.ha1).toEqual({ md5: '***', sha256: '***' });
    expect(r.operators[0]!.sip).toEqual({ username: 'anna', password: '***' });
  });

  it('redactConfig leaves the original untouched', () => {
    const c = loadConfig({}, [demo]);
    redactConfig(c);
    expect(c.operators[0]!.sip.password).toBe('alice-demo');
  });

  it('error messages never show secret values', () => {
    const err = errorOf(() =>
      loadConfig(
        {
          SWITCHBOARD_DRACHTIO: '127.0.0.1:9022',
          SWITCHBOARD_DRACHTIO_SECRET: 'x',
          SWITCHBOARD__sip__engine: '{"secret":987654}',
          SWITCHBOARD_REDIS_URL: 'http://user:hunter2@redis.local',
        },
        [yaml('trunks: [{ id: t, digest: { username: u, password: 1234567 } }]\noperators: [{ id: o, name: O, sip: { username: o, ha1: { md5: topsecretmd5, sha256: x } } }]\n')],
      ),
    );
    const everything = `${err.message}\n${JSON.stringify(err.details)}\n${JSON.stringify(err.problems)}\n${String(err.cause)}`;
    for (const s of ['987654', 'hunter2', '1234567', 'topsecretmd5']) expect(everything).not.toContain(s);
    expect(err.message).toContain('sip.engine.secret: expected a string (quote it in YAML if it looks like a number) (got ***)');
    expect(err.message).toContain('redis.url: expected a redis:// or rediss:// URL (got "http://user:***@redis.local")');
    expect(err.message).toContain('trunks[0].digest.password: expected a string');
    expect(err.message).toContain('operators[0].sip.ha1.md5: expected 32 hexadecimal digits (got ***)');
  });
});

describe('readConfigFiles', () => {
  it('reads the files in order', () => {
    const files = readConfigFiles([join(__dirname, 'demo.yaml'), join(__dirname, 'example.yaml')]);
    expect(files.map((f) => f.path.endsWith('demo.yaml') || f.path.endsWith('example.yaml'))).toEqual([true, true]);
    expect(files[0]!.text).toContain('support');
  });

  it('lists every unreadable file', () => {
    const err = errorOf(() => readConfigFiles(['/nonexistent/a.yaml', __dirname, '/nonexistent/b.yaml']));
    expect(err.details.problems).toEqual([
      '/nonexistent/a.yaml: expected a readable file (ENOENT)',
      `${__dirname}: expected a readable file (EISDIR)`,
      '/nonexistent/b.yaml: expected a readable file (ENOENT)',
    ]);
  });
});
