/**
 * Call quality from `RTCPeerConnection.getStats()`: round-trip time, jitter and packet loss of the
 * last interval, turned into a MOS estimate by a reduced ITU-T G.107 E-model (as used for VoIP
 * monitoring) and a level the operator reads: good (MOS ≥ 4.0), fair (≥ 3.6), poor.
 */

export type QualityLevel = 'good' | 'fair' | 'poor';

export interface QualitySample {
  /** Round-trip time, ms (ICE candidate pair or RTCP). */
  rttMs: number;
  /** Inbound jitter, ms. */
  jitterMs: number;
  /** Packets lost in the interval, percent of those expected. */
  lossPercent: number;
}

export interface QualityAssessment extends QualitySample {
  mos: number;
  level: QualityLevel;
}

/** MOS at or above these is good / fair. */
export const MOS_GOOD = 4.0;
export const MOS_FAIR = 3.6;
/** Codec packetisation and jitter buffer are assumed at 20 ms + twice the jitter. */
const FRAME_MS = 20;
/** Packet-loss robustness (G.113 Appendix I: G.711 with packet loss concealment; Opus does at least as well). */
const BPL = 25.1;

/** E-model R factor → MOS (G.107 Annex B). */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
}

export function assessQuality(sample: QualitySample): QualityAssessment {
  const oneWay = sample.rttMs / 2 + 2 * sample.jitterMs + FRAME_MS;
  const id = 0.024 * oneWay + (oneWay > 177.3 ? 0.11 * (oneWay - 177.3) : 0);
  const loss = Math.min(100, Math.max(0, sample.lossPercent));
  const ie = (95 * loss) / (loss + BPL);
  const mos = Math.round(mosFromR(93.2 - id - ie) * 100) / 100;
  return { ...sample, mos, level: mos >= MOS_GOOD ? 'good' : mos >= MOS_FAIR ? 'fair' : 'poor' };
}

/** Running totals from one getStats() report, for the difference between two polls. */
export interface StatsTotals {
  packetsReceived: number;
  packetsLost: number;
  /** Seconds; undefined when no inbound audio is counted yet. */
  jitter: number | undefined;
  /** Seconds; undefined when neither ICE nor RTCP measured it yet. */
  rtt: number | undefined;
}

interface StatEntry {
  type: string;
  kind?: string;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
  currentRoundTripTime?: number;
  roundTripTime?: number;
  nominated?: boolean;
  state?: string;
}

/** The audio figures of a getStats() report (an RTCStatsReport is iterable as [id, stat]). */
export function totalsOf(report: Iterable<[string, unknown]>): StatsTotals {
  const totals: StatsTotals = { packetsReceived: 0, packetsLost: 0, jitter: undefined, rtt: undefined };
  let pairRtt: number | undefined;
  let rtcpRtt: number | undefined;
  for (const [, raw] of report) {
    const s = raw as StatEntry;
    if (s.type === 'inbound-rtp' && (s.kind ?? 'audio') === 'audio') {
      totals.packetsReceived += s.packetsReceived ?? 0;
      totals.packetsLost += Math.max(0, s.packetsLost ?? 0);
      if (s.jitter !== undefined) totals.jitter = Math.max(totals.jitter ?? 0, s.jitter);
    } else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded' && s.currentRoundTripTime !== undefined) {
      pairRtt = s.currentRoundTripTime;
    } else if (s.type === 'remote-inbound-rtp' && s.roundTripTime !== undefined) {
      rtcpRtt = s.roundTripTime;
    }
  }
  totals.rtt = pairRtt ?? rtcpRtt;
  return totals;
}

/** The interval's sample between two polls; undefined until audio has arrived in it. */
export function sampleBetween(before: StatsTotals | undefined, now: StatsTotals): QualitySample | undefined {
  if (now.jitter === undefined) return undefined;
  const received = now.packetsReceived - (before?.packetsReceived ?? 0);
  const lost = Math.max(0, now.packetsLost - (before?.packetsLost ?? 0));
  if (received + lost <= 0) return undefined;
  return { rttMs: (now.rtt ?? 0) * 1000, jitterMs: now.jitter * 1000, lossPercent: (100 * lost) / (received + lost) };
}

const RANK: Record<QualityLevel, number> = { good: 2, fair: 1, poor: 0 };

/** True when `next` is worse than `previous` (the operator is warned once per drop). */
export function degraded(previous: QualityLevel | undefined, next: QualityLevel): boolean {
  return previous !== undefined && RANK[next] < RANK[previous];
}
