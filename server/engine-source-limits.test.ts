import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config';
import { engineSourceLimits } from './engine-source-limits';

const demo = { path: 'config/demo.yaml', text: readFileSync(join(__dirname, '../config/demo.yaml'), 'utf8') };
const load = (text: string) => loadConfig({}, [demo, { path: 'test.yaml', text }]);

describe('engineSourceLimits', () => {
  it('gives the engine the named defaults, with every trunk address trusted', () => {
    const config = load(`trunks:\n  - { id: a, allow: [198.51.100.0/28, 127.0.0.1] }\n  - { id: b, digest: { username: b, password: secret-b } }\n`);
    expect(engineSourceLimits(config)).toEqual({
      requestsPerSecond: 20, burst: 40, blockSeconds: 10, maxConnectionsPerSource: 100, incompleteMessageSeconds: 10,
      trusted: ['198.51.100.0/28', '127.0.0.1'], maxTrackedSources: 50_000,
    });
  });

  it('adds the configured trusted sources and takes the configured figures', () => {
    const config = load(`trunks: [{ id: a, allow: [127.0.0.1] }]\nsip:\n  limits:\n    perSource: { requestsPerSecond: 5, burst: 8, blockSeconds: 60, maxConnections: 400, incompleteMessageSeconds: 3, trusted: [10.0.0.0/8, 127.0.0.1] }\n`);
    expect(engineSourceLimits(config)).toMatchObject({
      requestsPerSecond: 5, burst: 8, blockSeconds: 60, maxConnectionsPerSource: 400, incompleteMessageSeconds: 3,
      trusted: ['10.0.0.0/8', '127.0.0.1'],
    });
  });

  it('refuses a trusted entry that is not an address, naming the field', () => {
    expect(() => load(`sip: { limits: { perSource: { trusted: [office] } } }\n`)).toThrow(/sip\.limits\.perSource\.trusted\[0\]/);
  });
});
