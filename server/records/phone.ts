/**
 * Phone numbers to E.164 (`+` and 8–15 digits). Accepts the common notations: spaces, dashes, dots
 * and brackets, a `00` international prefix, `tel:`/`sip:` URIs with a number as user part, and a
 * national number with a trunk `0` when the centre's country code is configured. It does not know
 * each country's numbering plan (no length checks per country).
 */
import { RecordsError } from './errors';

export interface PhoneOptions {
  /** Digits of the centre's country code (e.g. `49`), for national numbers such as `030 1234567`. */
  defaultCountryCode?: string;
}

/** Longest input looked at. */
export const MAX_PHONE_INPUT = 64;

export function tryNormalisePhone(raw: string, options: PhoneOptions = {}): string | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_PHONE_INPUT) return undefined;
  let s = raw.trim();
  const uri = /^(?:sips?|tel):([^@;]+)/i.exec(s);
  if (uri) s = uri[1] ?? '';
  s = s.replace(/[\s\-.()/]/g, '');
  if (s.startsWith('00')) s = `+${s.slice(2)}`;
  else if (!s.startsWith('+') && options.defaultCountryCode && /^0[1-9]/.test(s)) s = `+${options.defaultCountryCode}${s.slice(1)}`;
  return /^\+[1-9][0-9]{7,14}$/.test(s) ? s : undefined;
}

export function normalisePhone(raw: string, options: PhoneOptions = {}): string {
  const e164 = tryNormalisePhone(raw, options);
  if (!e164) throw new RecordsError('ERR_BAD_PHONE', `not a phone number in E.164 or a known notation: "${String(raw).slice(0, MAX_PHONE_INPUT)}"`, { details: { phone: String(raw).slice(0, MAX_PHONE_INPUT) } });
  return e164;
}
