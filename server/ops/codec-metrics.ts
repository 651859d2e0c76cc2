/**
 * Codec metrics: every operator leg connected to a caller, by the codecs rtpengine settled on for
 * the pair and whether it transcodes (decodes and re-encodes the audio), with the codec policy
 * that chose them. Registered on the server's registry beside ServerMetrics.
 */
import { Counter, type Registry } from 'prom-client';

/** Codec names a label may take; anything else is counted as `other` (labels stay bounded). */
const KNOWN_CODECS = new Set(['PCMU', 'PCMA', 'opus', 'G722']);

export interface LegMediaReport {
  /** rtpengine's codec towards the caller, e.g. `PCMU/8000`. */
  callerCodec: string;
  /** rtpengine's codec towards the operator's leg, e.g. `opus/48000/2`. */
  legCodec: string;
  transcoded: boolean;
  /** The policy that chose the leg's codec; undefined: the relay's default. */
  policy: string | undefined;
}

/** `PCMU/8000` → `PCMU`; unknown names → `other`. */
export function codecLabel(codec: string): string {
  const name = codec.split('/')[0] ?? '';
  const known = [...KNOWN_CODECS].find((k) => k.toLowerCase() === name.toLowerCase());
  return known ?? 'other';
}

export class CodecMetrics {
  private readonly legs: Counter<'caller_codec' | 'operator_codec' | 'transcoded' | 'policy'>;

  constructor(registry: Registry) {
    this.legs = new Counter({
      name: 'switchboard_operator_legs_total',
      help: 'Operator legs connected to callers, by codec towards the caller and towards the operator, whether rtpengine transcodes, and the codec policy',
      labelNames: ['caller_codec', 'operator_codec', 'transcoded', 'policy'], registers: [registry],
    });
  }

  /** One leg connected (as CallMedia's `onLegMedia` reports it); bound, so it can be passed as is. */
  readonly legConnected = (r: LegMediaReport): void => {
    this.legs.inc({
      caller_codec: codecLabel(r.callerCodec), operator_codec: codecLabel(r.legCodec), transcoded: r.transcoded ? 'yes' : 'no',
      policy: r.policy === 'opus' || r.policy === 'avoid-transcoding' ? r.policy : 'default',
    });
  };
}
