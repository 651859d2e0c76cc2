import { BlockList, isIP } from 'node:net';

/**
 * Limits on what one source address may send us, checked before a message is parsed:
 * - a request rate (a token bucket per address, pike-like): a source that empties its bucket is
 *   blocked for a cool-down, and its requests are dropped silently meanwhile — no transaction, no
 *   response, so a flood cannot make us retransmit anything;
 * - concurrent connections (TCP, TLS, WebSocket) per address;
 * - and, counted here, connections closed because a message stayed incomplete too long.
 * Trusted sources (trunks, listed offices) are exempt from the rate and connection limits.
 */
export interface SourceLimitsOptions {
  /** Requests per second a source may send on average (the bucket's refill rate); Infinity: no rate limit. */
  requestsPerSecond: number;
  /** Requests a source may send at once (the bucket's size). */
  burst: number;
  /** How long a source that went over the rate is ignored. */
  blockSeconds: number;
  /** Connections (TCP, TLS, WebSocket) one source address may hold open at once. */
  maxConnectionsPerSource: number;
  /** A stream connection whose message stays incomplete this long is closed (TCP, TLS; the WebSocket handshake). */
  incompleteMessageSeconds: number;
  /** Addresses or CIDR ranges exempt from the rate and connection limits. */
  trusted: string[];
  /** Sources tracked at most (idle ones are forgotten first); bounds the memory a spoofed flood can take. */
  maxTrackedSources: number;
}

export const DEFAULT_SOURCE_LIMITS: SourceLimitsOptions = {
  requestsPerSecond: 20,
  burst: 40,
  blockSeconds: 10,
  maxConnectionsPerSource: 100,
  incompleteMessageSeconds: 10,
  trusted: [],
  maxTrackedSources: 50_000,
};

/** The engine's limits when none are given (a library or drop-in drachtio server): no request rate limit. */
export const UNRATED_SOURCE_LIMITS: Partial<SourceLimitsOptions> = { requestsPerSecond: Infinity };

/** The limits' names, as counted in the engine's stats (`limits`). */
export const SOURCE_LIMIT_NAMES = ['source-request-rate', 'connections-per-source', 'incomplete-message'] as const;
export type SourceLimitName = (typeof SOURCE_LIMIT_NAMES)[number];

interface Bucket {
  tokens: number;
  at: number;
  blockedUntil: number;
}

/** What a source limit did, for the engine's log: a source just blocked, or a connection refused. */
export type SourceLimitListener = (limit: SourceLimitName, address: string) => void;

export class SourceLimits {
  readonly options: SourceLimitsOptions;
  private readonly trusted = new BlockList();
  private readonly buckets = new Map<string, Bucket>();
  private readonly connections = new Map<string, number>();
  private readonly trips: Record<SourceLimitName, number> = { 'source-request-rate': 0, 'connections-per-source': 0, 'incomplete-message': 0 };
  private blocks = 0;

  constructor(
    options: Partial<SourceLimitsOptions> = {},
    private readonly now: () => number = () => performance.now(),
    private readonly onTrip: SourceLimitListener = () => undefined,
  ) {
    this.options = { ...DEFAULT_SOURCE_LIMITS, ...options };
    const o = this.options;
    for (const [field, v] of [['requestsPerSecond', o.requestsPerSecond], ['burst', o.burst], ['blockSeconds', o.blockSeconds],
      ['maxConnectionsPerSource', o.maxConnectionsPerSource], ['incompleteMessageSeconds', o.incompleteMessageSeconds], ['maxTrackedSources', o.maxTrackedSources]] as const) {
      if (!(v > 0)) throw new RangeError(`source limits: ${field} must be positive (got ${v})`);
    }
    for (const entry of o.trusted) addTrusted(this.trusted, entry);
  }

  isTrusted(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    return this.trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }

  /** Whether a request from this address is let in; false: drop it without a word. */
  admitRequest(address: string): boolean {
    if (this.options.requestsPerSecond === Infinity || this.isTrusted(address)) return true;
    const t = this.now();
    let b = this.buckets.get(address);
    if (!b) {
      if (this.buckets.size >= this.options.maxTrackedSources) this.forgetOne(t);
      b = { tokens: this.options.burst, at: t, blockedUntil: 0 };
      this.buckets.set(address, b);
    }
    b.tokens = Math.min(this.options.burst, b.tokens + ((t - b.at) / 1000) * this.options.requestsPerSecond);
    b.at = t;
    if (t < b.blockedUntil) {
      this.trips['source-request-rate']++;
      return false;
    }
    if (b.tokens < 1) {
      b.blockedUntil = t + this.options.blockSeconds * 1000;
      this.blocks++;
      this.trips['source-request-rate']++;
      this.onTrip('source-request-rate', address);
      return false;
    }
    b.tokens -= 1;
    return true;
  }

  /** Whether a new inbound connection from this address is accepted; call `connectionClosed` when an accepted one ends. */
  admitConnection(address: string): boolean {
    if (this.isTrusted(address)) return true;
    const n = this.connections.get(address) ?? 0;
    if (n >= this.options.maxConnectionsPerSource) {
      this.trips['connections-per-source']++;
      this.onTrip('connections-per-source', address);
      return false;
    }
    this.connections.set(address, n + 1);
    return true;
  }

  connectionClosed(address: string): void {
    if (this.isTrusted(address)) return;
    const n = this.connections.get(address) ?? 0;
    if (n <= 1) this.connections.delete(address);
    else this.connections.set(address, n - 1);
  }

  /** A connection was closed because its message stayed incomplete past `incompleteMessageSeconds`. */
  incompleteMessage(address: string): void {
    this.trips['incomplete-message']++;
    this.onTrip('incomplete-message', address);
  }

  get incompleteMessageMs(): number {
    return this.options.incompleteMessageSeconds * 1000;
  }

  /** Trips by limit (requests dropped, connections refused, connections timed out), sources blocked now and ever. */
  stats(): { trips: Record<SourceLimitName, number>; blockedSources: number; blocks: number; trackedSources: number } {
    const t = this.now();
    let blocked = 0;
    for (const b of this.buckets.values()) if (t < b.blockedUntil) blocked++;
    return { trips: { ...this.trips }, blockedSources: blocked, blocks: this.blocks, trackedSources: this.buckets.size };
  }

  /** Makes room for a new source: the oldest idle one (full bucket, not blocked), else the oldest. */
  private forgetOne(t: number): void {
    let scanned = 0;
    for (const [address, b] of this.buckets) {
      const full = b.tokens + ((t - b.at) / 1000) * this.options.requestsPerSecond >= this.options.burst;
      if (full && t >= b.blockedUntil) {
        this.buckets.delete(address);
        return;
      }
      if (++scanned >= 64) break;
    }
    const oldest = this.buckets.keys().next().value;
    if (oldest !== undefined) this.buckets.delete(oldest);
  }
}

function addTrusted(list: BlockList, entry: string): void {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  if (family === 0) throw new RangeError(`source limits: trusted entry "${entry}" is not an IP address or CIDR range`);
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (slash < 0) {
    list.addAddress(address, type);
    return;
  }
  const prefix = Number(entry.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
    throw new RangeError(`source limits: trusted entry "${entry}" has a bad prefix length`);
  }
  list.addSubnet(address, prefix, type);
}
