import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { HTTP_STATUS_BY_CODE } from './errors';
import { startTestServer, type TestServer } from './testing/harness';

interface Doc {
  openapi: string;
  info: { description: string };
  paths: Record<string, Record<string, unknown>>;
}

const doc = parse(readFileSync(path.join(__dirname, '../../docs/openapi.yaml'), 'utf8')) as Doc;
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

describe('docs/openapi.yaml', () => {
  let t: TestServer;
  beforeAll(async () => {
    // with a record store, so its routes are registered (never called here)
    t = await startTestServer({}, { records: { store: {} as never, timeZone: 'UTC', shortAbandonSeconds: 5, serviceLevelSeconds: {} } });
  });
  afterAll(async () => t.close());

  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it('documents every route of the app, and no other', () => {
    const stack = (t.http.app as unknown as { router: { stack: RouteLayer[] } }).router.stack;
    const registered = stack
      .flatMap((l) => (l.route ? Object.keys(l.route.methods).map((m) => `${m.toUpperCase()} ${l.route?.path.replace(/:(\w+)/g, '{$1}')}`) : []))
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([p, ops]) => Object.keys(ops).filter((m) => METHODS.has(m)).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    expect(registered.length).toBeGreaterThan(5);
    expect(documented).toEqual(registered);
  });

  it('resolves every $ref', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]);
    for (const ref of refs) {
      const target = ref.split('/').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect([ref, target]).toEqual([ref, expect.anything()]);
    }
  });

  it('lists every error code of the status table', () => {
    for (const code of Object.keys(HTTP_STATUS_BY_CODE)) expect(doc.info.description).toContain(code);
  });
});
