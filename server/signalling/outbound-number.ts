/**
 * What an outbound trunk is sent for a number an operator typed: with `e164` set, the national
 * (`030 1234`) and international (`0049 30 1234`) forms become `+49301234` first; then the trunk's
 * `dialPrefix` goes in front. A number already in `+` form is kept as it is.
 */
export interface NumberRules {
  e164?: { countryCode: string; nationalPrefix: string; internationalPrefix: string } | undefined;
  dialPrefix: string;
}

/** Longest number accepted (E.164 allows 15 digits; some extensions add a few). */
export const MAX_NUMBER_DIGITS = 20;

export class BadNumberError extends Error {
  override readonly name = 'BadNumberError';
  readonly code = 'ERR_BAD_NUMBER';
}

/** The number written in E.164 when the trunk asks for it, otherwise as given (spaces, dashes and brackets removed). */
export function normaliseNumber(number: string, rules: NumberRules): string {
  const n = number.replace(/[\s().-]/g, '');
  if (!new RegExp(`^\\+?[0-9]{1,${MAX_NUMBER_DIGITS}}$`).test(n)) throw new BadNumberError(`not a phone number: "${number}"`);
  const e164 = rules.e164;
  if (!e164 || n.startsWith('+')) return n;
  if (n.startsWith(e164.internationalPrefix)) return `+${n.slice(e164.internationalPrefix.length)}`;
  if (e164.nationalPrefix && n.startsWith(e164.nationalPrefix)) return `+${e164.countryCode}${n.slice(e164.nationalPrefix.length)}`;
  return n; // a short or local number: sent as typed
}

/** The Request-URI user part for `number` on a trunk with these rules. */
export function dialString(number: string, rules: NumberRules): string {
  return `${rules.dialPrefix}${normaliseNumber(number, rules)}`;
}
