import { SipSyntaxError } from './errors';
import { formatParams, parseParams, splitParams } from './split';

/**
 * A From/To/Contact/Route/Record-Route value: optional display name, the URI, and header parameters
 * (`;tag=…`, `;expires=…`). The URI is kept as text; parse it with parseUri when needed.
 */
export interface NameAddr {
  displayName?: string;
  uri: string;
  params: Map<string, string | null>;
  /** Whether the URI was written inside angle brackets. */
  angle: boolean;
}

export function parseNameAddr(value: string): NameAddr {
  const v = value.trim();
  if (v === '*') return { uri: '*', params: new Map(), angle: false };
  const lt = findAngle(v);
  if (lt !== -1) {
    const gt = v.indexOf('>', lt);
    if (gt === -1) throw new SipSyntaxError(`unterminated < in ${v}`);
    let display = v.slice(0, lt).trim();
    if (display.startsWith('"')) {
      if (!display.endsWith('"') || display.length < 2) throw new SipSyntaxError(`bad display name in ${v}`);
      display = display.slice(1, -1).replace(/\\([\s\S])/g, '$1');
    } else if (display && !DISPLAY_TOKENS.test(display)) {
      // an unquoted display name is tokens separated by LWS (RFC 3261 §25.1; RFC 4475 §3.1.2.15)
      throw new SipSyntaxError(`display name must be quoted in ${v}`);
    }
    const uri = v.slice(lt + 1, gt);
    if (!uri) throw new SipSyntaxError(`empty URI in ${v}`);
    // nothing but the addr-spec between < and > (RFC 4475 §3.1.2.14)
    if (/\s/.test(uri)) throw new SipSyntaxError(`white space inside <> in ${v}`);
    const rest = v.slice(gt + 1).trim();
    if (rest && !rest.startsWith(';')) throw new SipSyntaxError(`unexpected text after > in ${v}`);
    const na: NameAddr = { uri, params: parseParams(splitParams(rest).slice(1)), angle: true };
    if (display) na.displayName = display;
    return na;
  }
  // addr-spec form: parameters after the URI belong to the header, not the URI (RFC 3261 §20.10)
  const parts = splitParams(v);
  const uri = (parts[0] ?? '').trim();
  if (!uri || uri.indexOf(':') === -1 || /\s/.test(uri)) throw new SipSyntaxError(`invalid address: ${v}`);
  // a URI with headers must be written inside <> (RFC 3261 §20.10; RFC 4475 §3.1.2.13)
  if (uri.indexOf('?') !== -1) throw new SipSyntaxError(`a URI with headers must be enclosed in <>: ${v}`);
  return { uri, params: parseParams(parts.slice(1)), angle: false };
}

/** Unquoted display name: tokens separated by white space (non-ASCII letters tolerated, as phones send them). */
const DISPLAY_TOKENS = /^[A-Za-z0-9\-.!%*_+`'~\u0080-\uffff]+(?:[ \t]+[A-Za-z0-9\-.!%*_+`'~\u0080-\uffff]+)*$/;

/** Index of the `<` that opens the URI, skipping a quoted display name. */
function findAngle(v: string): number {
  let inQuote = false;
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    if (inQuote) {
      if (ch === '\\') i++;
      else if (ch === '"') inQuote = false;
    } else if (ch === '"') inQuote = true;
    else if (ch === '<') return i;
  }
  return -1;
}

export function formatNameAddr(na: NameAddr): string {
  if (na.uri === '*') return '*';
  let s = '';
  if (na.displayName !== undefined) s += `"${na.displayName.replace(/(["\\])/g, '\\$1')}" `;
  s += na.angle || na.displayName !== undefined || na.params.size > 0 ? `<${na.uri}>` : na.uri;
  return s + formatParams(na.params);
}

/** The `tag` parameter of a From or To value, or undefined. */
export function tagOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /;\s*tag\s*=\s*([^;>\s,]+)/i.exec(value.slice(value.lastIndexOf('>') + 1));
  return m?.[1];
}
