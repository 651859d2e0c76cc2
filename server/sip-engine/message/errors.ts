/** A message or header value that does not follow the SIP grammar. */
export class SipSyntaxError extends Error {
  override readonly name = 'SipSyntaxError';
  readonly code = 'ERR_SIP_SYNTAX';
}
