/**
 * How configuration layers combine: mappings merge key by key (the later layer wins), lists and
 * plain values are replaced whole, and a mapping whose `mode` differs from the one below replaces
 * it (so `media.rtpengine: { mode: external, … }` does not inherit the embedded port range). An
 * absent `mode` is the default one, `embedded` (as in the schema).
 */

const DEFAULT_MODE = 'embedded';

export type Plain = Record<string, unknown>;

export const isPlainObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Sets an own property, also for names like `__proto__` (which the schema then rejects as unknown). */
export function setOwn(target: Plain, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  if ('mode' in over && over.mode !== (base.mode ?? DEFAULT_MODE)) return over;
  const out: Plain = {};
  for (const [k, v] of Object.entries(base)) setOwn(out, k, v);
  for (const [k, v] of Object.entries(over)) setOwn(out, k, k in base ? deepMerge(base[k], v) : v);
  return out;
}

/**
 * A copy of `root` with `value` merged in at `path`: missing mappings are created, a number indexes
 * an existing list (or appends at its length). Returns an error text when the path cannot be followed.
 */
export function setPath(root: unknown, path: ReadonlyArray<string>, value: unknown): { result: unknown } | { error: string } {
  if (path.length === 0) return { result: deepMerge(root, value) };
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(root)) {
    if (!/^\d+$/.test(head)) return { error: `"${head}" is not an index of a list` };
    const index = Number(head);
    if (index > root.length) return { error: `index ${index} is past the end of a list of ${root.length}` };
    const inner = setPath(root[index], rest, value);
    if ('error' in inner) return inner;
    const copy = [...root];
    copy[index] = inner.result;
    return { result: copy };
  }
  if (root !== undefined && !isPlainObject(root)) return { error: `"${head}" is inside a value that is not a mapping` };
  const inner = setPath(root?.[head], rest, value);
  if ('error' in inner) return inner;
  const copy: Plain = {};
  for (const [k, v] of Object.entries(root ?? {})) setOwn(copy, k, v);
  setOwn(copy, head, inner.result);
  return { result: copy };
}
