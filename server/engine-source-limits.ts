import type { Config } from '../config/schema';
import { DEFAULT_SOURCE_LIMITS, type SourceLimitsOptions } from './sip-engine';

/**
 * The SIP engine's per-source limits from config (`sip.limits.perSource`): every trunk's `allow`
 * addresses are trusted besides the listed ones, so a trunk is never rate-limited by source.
 */
export function engineSourceLimits(config: Pick<Config, 'sip' | 'trunks'>): SourceLimitsOptions {
  const p = config.sip.limits.perSource;
  return {
    ...DEFAULT_SOURCE_LIMITS,
    requestsPerSecond: p.requestsPerSecond, burst: p.burst, blockSeconds: p.blockSeconds,
    maxConnectionsPerSource: p.maxConnections, incompleteMessageSeconds: p.incompleteMessageSeconds,
    trusted: [...new Set([...p.trusted, ...config.trunks.flatMap((t) => t.allow ?? [])])],
  };
}
