/** The input limits signalling enforces; each refusal is reported by name (switchboard_limit_trips_total{limit}). */
export const LIMIT_NAMES = [
  'media-lines',
  'contacts-per-register',
  'bindings-per-operator',
  'trunk-calls-per-second',
  'trunk-concurrent-calls',
  // the API's: an Extend beyond desk.wrapUp.maxTotalSeconds
  'wrap-up-extension',
  'outbound-trunk-concurrent-calls',
  // the API's: a call script longer than MAX_SCRIPT_CHARS
  'script-size',
  // keep-alive probes of bindings beyond sip.keepAlive.maxInFlight wait for the next round
  'keepalive-probes',
] as const;

export type LimitName = (typeof LIMIT_NAMES)[number];

/** Called once per tripped limit (wire it to the metrics). */
export type LimitListener = (limit: LimitName) => void;
