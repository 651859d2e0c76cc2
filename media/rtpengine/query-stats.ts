import type { DecodedValue } from '../ng/bencode';
import type { NgReply } from '../ng/ng-client';
import type { CallStats, LegStats, PacketCounters, StreamStats } from '../media-relay';

type Dict = { [key: string]: DecodedValue };

const isDict = (v: DecodedValue | undefined): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: DecodedValue | undefined): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) || 0 : 0);
const str = (v: DecodedValue | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: DecodedValue | undefined): DecodedValue[] => (Array.isArray(v) ? v : []);
const strings = (v: DecodedValue | undefined): string[] => list(v).filter((s): s is string => typeof s === 'string');
const time = (v: DecodedValue | undefined): Date | undefined => (num(v) > 0 ? new Date(num(v) * 1000) : undefined);

function counters(v: DecodedValue | undefined): PacketCounters {
  const d = isDict(v) ? v : {};
  return { packets: num(d.packets), bytes: num(d.bytes), errors: num(d.errors) };
}

function stream(v: DecodedValue): StreamStats {
  const d = isDict(v) ? v : {};
  const endpoint = isDict(d.endpoint) && str(d.endpoint.address) ? `${str(d.endpoint.address)}:${num(d.endpoint.port)}` : undefined;
  return {
    ...counters(d.stats),
    localPort: num(d['local port']) || undefined,
    endpoint,
    lastPacketAt: time(d['last packet']),
    flags: strings(d.flags),
  };
}

function leg(tag: string, v: DecodedValue): LegStats {
  const d = isDict(v) ? v : {};
  const medias = list(d.medias).filter(isDict);
  const streams = medias.flatMap((m) => list(m.streams).map(stream));
  const rtp = streams.filter((s) => s.flags.includes('RTP'));
  return {
    tag,
    label: str(d.label),
    protocol: str(medias[0]?.protocol),
    codec: str(medias[0]?.codec),
    flags: [...new Set(medias.flatMap((m) => strings(m.flags)))],
    inDialogueWith: str(d['in dialogue with']),
    rtp: {
      packets: rtp.reduce((n, s) => n + s.packets, 0),
      bytes: rtp.reduce((n, s) => n + s.bytes, 0),
      errors: rtp.reduce((n, s) => n + s.errors, 0),
    },
    streams,
  };
}

/** Turns rtpengine's `query` reply into CallStats. Unknown or missing fields become 0/undefined. */
export function parseQueryReply(callId: string, reply: NgReply): CallStats {
  const tags = isDict(reply.tags) ? reply.tags : {};
  const totals = isDict(reply.totals) ? reply.totals : {};
  return {
    callId,
    createdAt: time(reply.created),
    lastSignalAt: time(reply['last signal']),
    legs: Object.entries(tags).map(([tag, v]) => leg(tag, v)),
    totals: { rtp: counters(totals.RTP), rtcp: counters(totals.RTCP) },
  };
}
