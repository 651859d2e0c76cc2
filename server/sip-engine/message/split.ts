/** Splits a header value at top-level commas, ignoring commas inside quotes and angle brackets. */
export function splitList(value: string): string[] {
  if (value.indexOf(',') === -1) return [value.trim()];
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (inQuote) {
      if (ch === 0x5c) i++; // backslash escapes the next character
      else if (ch === 0x22) inQuote = false;
    } else if (ch === 0x22) inQuote = true;
    else if (ch === 0x3c) inAngle = true;
    else if (ch === 0x3e) inAngle = false;
    else if (ch === 0x2c && !inAngle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((v) => v.length > 0);
}

/** Splits `a;b=1;c="x;y"` at top-level semicolons. */
export function splitParams(value: string): string[] {
  if (value.indexOf('"') === -1) return value.split(';');
  return splitOutsideQuotes(value, 0x3b);
}

/** Splits at every `separator` (a char code) outside quoted strings, keeping empty elements. */
export function splitOutsideQuotes(value: string, separator: number): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (inQuote) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inQuote = false;
    } else if (ch === 0x22) inQuote = true;
    else if (ch === separator) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}

/** Parses `;a=1;b;c="q"` style parameters into a map (names lower-cased, quotes kept off). */
export function parseParams(parts: string[]): Map<string, string | null> {
  const params = new Map<string, string | null>();
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq === -1) params.set(p.toLowerCase(), null);
    else {
      let v = p.slice(eq + 1).trim();
      if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
      params.set(p.slice(0, eq).trim().toLowerCase(), v);
    }
  }
  return params;
}

export function formatParams(params: Map<string, string | null>): string {
  let s = '';
  for (const [k, v] of params) s += v === null ? `;${k}` : `;${k}=${v}`;
  return s;
}
