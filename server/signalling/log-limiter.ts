/** The log limiter lives with the SIP engine, which limits its own lines about bad input the same way. */
export { LogLimiter, type LogLimiterOptions } from '../sip-engine/log-limiter';
