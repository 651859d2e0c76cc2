import { ConfigError } from './config-error';
import { loadConfig, type ConfigEnv } from './load-config';

/** JSON is YAML: each case is written as an object. */
const file = (content: unknown, path = 'test.yaml') => ({ path, text: JSON.stringify(content) });

const support = { id: 'support', strategy: 'longest-idle' };
const op = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: id.toUpperCase(),
  sip: { username: id, password: `${id}-pw` },
  queues: [{ queue: 'support' }],
  ...extra,
});
const base = {
  trunks: [{ id: 'local', allow: ['127.0.0.1'] }],
  numbers: [{ number: '100', queue: 'support' }],
  queues: [support],
  operators: [op('alice'), op('bob')],
};
const withBase = (patch: Record<string, unknown>) => ({ ...base, ...patch });

function problemsOf(content: unknown, env: ConfigEnv = {}): string[] {
  try {
    loadConfig(env, [file(content)]);
  } catch (err) {
    if (err instanceof ConfigError) return err.details.problems as string[];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config schema: invalid configurations name the field', () => {
  const cases: Array<[string, unknown, ConfigEnv, string, string?]> = [
    ['TLS listener without sip.tls', withBase({ sip: { listen: ['sip:127.0.0.1:5061;transport=tls'] } }), {}, 'sip.tls', 'listen[0] is a TLS listener: expected tls.cert and tls.key'],
    ['sip.tls without a key', withBase({ sip: { tls: { cert: 'c.pem' } } }), {}, 'sip.tls.key', 'expected a string'],
    ['Min-SE under RFC 4028\'s floor', withBase({ sip: { sessionTimers: { minSE: 30 } } }), {}, 'sip.sessionTimers.minSE', 'expected at least 90 (got 30)'],
    ['unknown refresher', withBase({ sip: { sessionTimers: { defaultRefresher: 'both' } } }), {}, 'sip.sessionTimers.defaultRefresher', 'expected one of uac, uas, none'],
    ['unknown strategy', withBase({ queues: [{ ...support, strategy: 'fastest' }] }), {}, 'queues[0].strategy',
      'expected one of longest-idle, round-robin, fewest-calls, least-talk-time, ring-all, random (got "fastest")'],
    ['negative ring timeout', withBase({ queues: [{ ...support, ringTimeoutMs: -5 }] }), {}, 'queues[0].ringTimeoutMs', 'expected more than 0 (got -5)'],
    ['instance ttl under 3 heartbeats', withBase({ instance: { heartbeatMs: 5000, ttlMs: 10_000 } }), {}, 'instance.ttlMs', 'expected at least 3 × instance.heartbeatMs'],
    ['instance id with a space', withBase({ instance: { id: 'host 1' } }), {}, 'instance.id', 'expected 1-64 characters'],
    ['negative wrap-up', withBase({ queues: [{ ...support, wrapUpMs: -1 }] }), {}, 'queues[0].wrapUpMs', 'expected at least 0 (got -1)'],
    ['fractional timeout', withBase({ queues: [{ ...support, ringTimeoutMs: 1.5 }] }), {}, 'queues[0].ringTimeoutMs', 'expected an integer (got 1.5)'],
    ['queue skill level 11', withBase({ queues: [{ ...support, skills: [{ name: 'fr', level: 11 }] }] }), {}, 'queues[0].skills[0].level', 'expected at most 10 (got 11)'],
    ['operator skill level 11', withBase({ operators: [op('alice', { skills: { fr: 11 } })] }), {}, 'operators[0].skills.fr', 'expected at most 10 (got 11)'],
    ['overflow loop', withBase({ queues: [{ ...support, overflow: { queue: 'b' } }, { id: 'b', strategy: 'random', overflow: { queue: 'support' } }] }), {},
      'queues[0].overflow.queue', 'overflow loop support → b → support'],
    ['overflow to unknown queue', withBase({ queues: [{ ...support, overflow: { queue: 'nope' } }] }), {}, 'queues[0].overflow.queue', 'unknown queue "nope"'],
    ['duplicate queue id', withBase({ queues: [support, support] }), {}, 'queues[1].id', 'used twice'],
    ['unknown announcement asset', withBase({ queues: [{ ...support, announcement: 'jingle' }] }), {}, 'queues[0].announcement', '(got "jingle")'],
    ['number → unknown queue', withBase({ numbers: [{ number: '100', queue: 'sales' }] }), {}, 'numbers[0].queue', 'expected a queue from queues (support) (got "sales")'],
    ['number not quoted in YAML', withBase({ numbers: [{ number: 100, queue: 'support' }] }), {}, 'numbers[0].number', 'quote it in YAML) (got 100)'],
    ['number with letters', withBase({ numbers: [{ number: '10a', queue: 'support' }] }), {}, 'numbers[0].number', 'expected digits with an optional leading +'],
    ['duplicate number', withBase({ numbers: [{ number: '100', queue: 'support' }, { number: '100', queue: 'support' }] }), {}, 'numbers[1].number', 'number "100" is used twice (also numbers[0])'],
    ['bad ringback', withBase({ numbers: [{ number: '100', queue: 'support', ringback: 'silence' }] }), {}, 'numbers[0].ringback', 'expected one of music, ringing'],
    ['member of unknown queue', withBase({ operators: [op('alice', { queues: [{ queue: 'sales' }] })] }), {}, 'operators[0].queues[0].queue', 'unknown queue "sales"'],
    ['duplicate operator id', withBase({ operators: [op('alice'), op('alice', { sip: { username: 'other', password: 'x' } })] }), {}, 'operators[1].id', 'used twice'],
    ['duplicate operator username', withBase({ operators: [op('alice'), op('bob', { sip: { username: 'alice', password: 'x' } })] }), {},
      'operators[1].sip.username', 'SIP username "alice" is used twice (also operators[0])'],
    ['password and ha1', withBase({ operators: [op('alice', { sip: { username: 'alice', password: 'x', ha1: { md5: 'a'.repeat(32), sha256: 'b'.repeat(64) } } })] }), {},
      'operators[0].sip', 'expected exactly one of password or ha1'],
    ['neither password nor ha1', withBase({ operators: [op('alice', { sip: { username: 'alice' } })] }), {}, 'operators[0].sip', 'expected exactly one of password or ha1'],
    ['short ha1', withBase({ operators: [op('alice', { sip: { username: 'alice', ha1: { md5: 'abc', sha256: 'b'.repeat(64) } } })] }), {},
      'operators[0].sip.ha1.md5', 'expected 32 hexadecimal digits (got ***)'],
    ['ha1 with neither hash', withBase({ operators: [op('alice', { sip: { username: 'alice', ha1: {} } })] }), {},
      'operators[0].sip.ha1', 'expected md5 (32 hex digits) or sha256 (64 hex digits), or both'],
    ['digest listing an algorithm without its ha1', withBase({ operators: [op('alice', { sip: { username: 'alice', ha1: { md5: 'a'.repeat(32) }, digest: ['sha-256', 'md5'] } })] }), {},
      'operators[0].sip.digest', 'sha-256 is listed but ha1.sha256 is not given'],
    ['unknown digest algorithm', { sip: { digest: ['md5', 'sha-512'] } }, {}, 'sip.digest[1]', 'expected md5 or sha-256'],
    ['empty digest policy', withBase({ operators: [op('alice', { sip: { username: 'alice', password: 'x', digest: [] } })] }), {},
      'operators[0].sip.digest', 'expected at least one of md5, sha-256'],
    ['digest algorithm twice', { sip: { digest: ['md5', 'md5'] } }, {}, 'sip.digest', 'expected each algorithm at most once'],
    ['operator without name', withBase({ operators: [{ id: 'alice', sip: { username: 'alice', password: 'x' } }] }), {}, 'operators[0].name', 'expected a string (got nothing)'],
    ['wss without key', { sip: { ws: { tls: { cert: '/etc/cert.pem' } } } }, {}, 'sip.ws.tls.key', 'wss needs both cert and key'],
    ['wss without cert', { sip: { ws: { tls: { key: '/etc/key.pem' } } } }, {}, 'sip.ws.tls.cert', 'wss needs both cert and key'],
    ['bad listen contact', { sip: { listen: ['sip:127.0.0.1:5060;transport=carrier-pigeon'] } }, {}, 'sip.listen[0]', 'unknown transport carrier-pigeon'],
    ['empty listen list', { sip: { listen: [] } }, {}, 'sip.listen', 'expected at least 1 entry'],
    ['bad realm', { sip: { realm: 'a realm' } }, {}, 'sip.realm', '(got "a realm")'],
    ['bad public address', { sip: { publicAddress: 'not an address' } }, {}, 'sip.publicAddress', 'expected an IP address or host name'],
    ['unknown engine mode', { sip: { engine: { mode: 'kamailio' } } }, {}, 'sip.engine.mode', 'expected one of embedded, drachtio (got "kamailio")'],
    ['drachtio without secret', { sip: { engine: { mode: 'drachtio', host: '127.0.0.1' } } }, {}, 'sip.engine.secret', 'expected a string'],
    ['registrar default above max', { sip: { registrar: { defaultExpires: 7200 } } }, {}, 'sip.registrar.defaultExpires', 'expected between minExpires and maxExpires (60-3600) (got 7200)'],
    ['registrar min above max', { sip: { registrar: { minExpires: 4000 } } }, {}, 'sip.registrar.maxExpires', 'expected at least minExpires (4000)'],
    ['zero auth failures', { sip: { authLimiter: { maxFailures: 0 } } }, {}, 'sip.authLimiter.maxFailures', 'expected more than 0 (got 0)'],
    ['http port out of range', { http: { port: 70000 } }, {}, 'http.port', 'expected at most 65535 (got 70000)'],
    ['http public URL not http', { http: { publicUrl: 'ftp://example.com' } }, {}, 'http.publicUrl', 'expected an http(s) URL'],
    ['http and ws on one port', { http: { port: 8088 } }, {}, 'sip.ws.port', 'expected a port not already used by http.port (got 8088)'],
    ['portMin ≥ portMax', { media: { rtpengine: { portMin: 31000, portMax: 30000 } } }, {}, 'media.rtpengine.portMax', 'expected more than portMin (31000) (got 30000)'],
    ['portMin = portMax', { media: { rtpengine: { portMin: 30000, portMax: 30000 } } }, {}, 'media.rtpengine.portMax', 'expected more than portMin'],
    ['portMax above 65535', { media: { rtpengine: { portMax: 70000 } } }, {}, 'media.rtpengine.portMax', 'expected at most 65535'],
    ['ng port inside the RTP range', { media: { rtpengine: { ngPort: 30010 } } }, {}, 'media.rtpengine.ngPort', 'outside the RTP range 30000-30999'],
    ['external rtpengine without port', { media: { rtpengine: { mode: 'external', host: '10.0.0.2' } } }, {}, 'media.rtpengine.port', 'expected a number (got nothing)'],
    ['recording flag as text', { media: { recording: { enabled: 'yes' } } }, {}, 'media.recording.enabled', 'expected true or false (got "yes")'],
    ['redis URL of another scheme', { redis: { url: 'http://localhost:6379' } }, {}, 'redis.url', 'expected a redis:// or rediss:// URL'],
    ['redis prefix with a space', { redis: { url: 'redis://127.0.0.1:6379', prefix: 'a b' } }, {}, 'redis.prefix', '(got "a b")'],
    ['trunk with neither allow nor digest', withBase({ trunks: [{ id: 'carrier' }] }), {}, 'trunks[0]', 'expected allow (source addresses) or digest (credentials), or both'],
    ['trunk with an empty allow list', withBase({ trunks: [{ id: 'carrier', allow: [] }] }), {}, 'trunks[0]', 'expected allow'],
    ['trunk allow not an address', withBase({ trunks: [{ id: 'carrier', allow: ['10.0.0.0/33'] }] }), {}, 'trunks[0].allow[0]', 'expected an IP address or CIDR range'],
    ['duplicate trunk id', withBase({ trunks: [{ id: 'a', allow: ['127.0.0.1'] }, { id: 'a', allow: ['10.0.0.1'] }] }), {}, 'trunks[1].id', 'trunk id "a" is used twice'],
    ['outbound trunk without a port', withBase({ outboundTrunks: [{ id: 'carrier', address: 'sip.carrier.example' }] }), {}, 'outboundTrunks[0].address', 'expected host:port'],
    ['outbound trunk over carrier pigeon', withBase({ outboundTrunks: [{ id: 'carrier', address: '192.0.2.10:5060', transport: 'pigeon' }] }), {}, 'outboundTrunks[0].transport', 'expected one of udp, tcp, tls'],
    ['outbound caller ID with letters', withBase({ outboundTrunks: [{ id: 'carrier', address: '192.0.2.10:5060', callerId: 'acme' }] }), {}, 'outboundTrunks[0].callerId', 'expected digits'],
    ['outbound country code not quoted', withBase({ outboundTrunks: [{ id: 'carrier', address: '192.0.2.10:5060', e164: { countryCode: 49 } }] }), {}, 'outboundTrunks[0].e164.countryCode', 'quote it in YAML'],
    ['duplicate outbound trunk id', withBase({ outboundTrunks: [{ id: 'c', address: '192.0.2.10:5060' }, { id: 'c', address: '192.0.2.11:5060' }] }), {}, 'outboundTrunks[1].id', 'outbound trunk id "c" is used twice'],
    ['unknown log level', { logging: { level: 'trace' } }, {}, 'logging.level', 'expected one of debug, info, warn, error (got "trace")'],
    ['misspelt field', { http: { prot: 8081 } }, {}, 'http.prot', 'unknown field (did you mean port?)'],
    ['unknown section', { sipp: {} }, {}, 'sipp', 'unknown field (did you mean sip?)'],
    ['unknown queue field', withBase({ queues: [{ ...support, colour: 'red' }] }), {}, 'queues[0].colour', 'unknown field (expected one of id, strategy,'],
    ['bad env port', base, { SWITCHBOARD_HTTP_PORT: 'eighty' }, 'http.port', 'expected a number (got "eighty") [from SWITCHBOARD_HTTP_PORT]'],
    ['bad env log level', base, { SWITCHBOARD_LOG_LEVEL: 'loud' }, 'logging.level', '(got "loud") [from SWITCHBOARD_LOG_LEVEL]'],
    ['bad env rtpengine', base, { SWITCHBOARD_RTPENGINE: 'rtpengine.local' }, 'media.rtpengine', 'expected host:port or "embedded" (got "rtpengine.local") [from SWITCHBOARD_RTPENGINE]'],
    ['bad env listen', base, { SWITCHBOARD_SIP_LISTEN: 'sip:127.0.0.1:5060,udp' }, 'sip.listen[0]', '[from SWITCHBOARD_SIP_LISTEN]'],
    ['bad generic env value', base, { SWITCHBOARD__queues__0__wrapUpMs: '-3' }, 'queues[0].wrapUpMs', '(got -3) [from SWITCHBOARD__queues__0__wrapUpMs]'],
    ['generic env into a list by name', base, { SWITCHBOARD__queues__support__wrapUpMs: '3' }, 'SWITCHBOARD__queues__support__wrapUpMs', 'cannot set queues.support.wrapUpMs: "support" is not an index of a list'],
    ['generic env with an empty segment', base, { SWITCHBOARD__http____port: '1' }, 'SWITCHBOARD__http____port', 'expected SWITCHBOARD__ followed by field names'],
  ];

  it.each(cases)('rejects %s', (_name, content, env, path, message) => {
    const problems = problemsOf(content, env);
    const line = problems.find((p) => p.startsWith(`${path}: `));
    expect({ problems, line: line !== undefined }).toEqual({ problems, line: true });
    if (message) expect(line).toContain(message);
  });

  it('a TLS listener with sip.tls, and session timers, are valid; the defaults verify peers and run no timer', () => {
    const config = loadConfig({}, [file(withBase({ sip: { listen: ['sip:127.0.0.1:5061;transport=tls'], tls: { cert: 'c.pem', key: 'k.pem' }, sessionTimers: { minSE: 120 } } }))]);
    expect(config.sip.tls).toEqual({ cert: 'c.pem', key: 'k.pem', verifyPeer: true, noVerify: [] });
    expect(config.sip.sessionTimers).toEqual({ minSE: 120, defaultRefresher: 'none' });
    expect(loadConfig({}, [file(base)]).sip.sessionTimers).toEqual({ minSE: 90, defaultRefresher: 'none' });
  });

  it('digest policy: MD5 first by default; an operator with an MD5 HA1 only and its own policy is valid', () => {
    const ha1Only = op('carol', { sip: { username: 'carol', ha1: { md5: 'a'.repeat(32) }, digest: ['md5'] } });
    const config = loadConfig({}, [file(withBase({ operators: [op('alice'), ha1Only] }))]);
    expect(config.sip.digest).toEqual(['md5']);
    expect(config.operators[1]!.sip).toEqual({ username: 'carol', ha1: { md5: 'a'.repeat(32) }, digest: ['md5'] });
    expect(loadConfig({}, [file(withBase({ sip: { digest: ['sha-256', 'md5'] } }))]).sip.digest).toEqual(['sha-256', 'md5']);
  });

  it('the base of the table is valid', () => {
    expect(() => loadConfig({}, [file(base)])).not.toThrow();
  });

  it('lists every problem of every section in one error', () => {
    const problems = problemsOf(
      withBase({ http: { port: -1 }, numbers: [{ number: '100', queue: 'sales' }], queues: [{ ...support, strategy: 'fastest' }], logging: { level: 'loud' } }),
      { SWITCHBOARD_SIP_WS_PORT: 'x' },
    );
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['http.port', 'numbers[0].queue', 'queues[0].strategy', 'logging.level', 'sip.ws.port']),
    );
  });

  it('formats the message as one line per problem', () => {
    try {
      loadConfig({}, [file(withBase({ queues: [{ ...support, strategy: 'fastest' }] }))]);
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const e = err as ConfigError;
      expect(e.code).toBe('ERR_INVALID_CONFIG');
      expect(e.message).toBe(
        'invalid configuration (1 problem):\n' +
          '  queues[0].strategy: expected one of longest-idle, round-robin, fewest-calls, least-talk-time, ring-all, random (got "fastest")',
      );
      expect(e.problems).toEqual([{ path: 'queues[0].strategy', message: expect.stringContaining('(got "fastest")') }]);
      expect(e.details.fields).toEqual(['queues[0].strategy']);
    }
  });

  it('reports YAML syntax errors with file, line and column, without quoting the file', () => {
    const problems = (() => {
      try {
        loadConfig({}, [{ path: 'a.yaml', text: 'http: {}\n' }, { path: 'b.yaml', text: 'trunks:\n  - id: x\n    digest: { password: "s3cret\n' }]);
      } catch (err) {
        return (err as ConfigError).details.problems as string[];
      }
      return [];
    })();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^b\.yaml: expected valid YAML \(line \d+, column \d+\): /);
    expect(problems[0]).not.toContain('s3cret');
  });

  it('rejects duplicate keys and a top level that is not a mapping', () => {
    expect(() => loadConfig({}, [{ path: 'd.yaml', text: 'http: {}\nhttp: {}\n' }])).toThrow(/d\.yaml: expected valid YAML .*unique/);
    expect(() => loadConfig({}, [{ path: 'l.yaml', text: '- a\n- b\n' }])).toThrow('l.yaml: expected a mapping at the top level (got a list)');
  });
});
