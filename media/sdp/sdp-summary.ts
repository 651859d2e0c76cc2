import { MediaError, MediaErrorCode } from '../errors';

export interface SdpCodec {
  payloadType: number;
  /** Encoding name as written in a=rtpmap (or the static name of payload types 0–34). */
  name: string;
  clockRate: number;
  channels: number;
}

export interface SdpMediaSection {
  type: string;
  port: number;
  proto: string;
  codecs: SdpCodec[];
  /** The c= address for this section (its own, or the session's). */
  address: string | undefined;
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
  attributes: string[];
}

export interface SdpSummary {
  media: SdpMediaSection[];
}

/** RFC 3551 static payload types that may appear without a=rtpmap. */
const STATIC_PAYLOADS: Record<number, [string, number]> = {
  0: ['PCMU', 8000], 3: ['GSM', 8000], 4: ['G723', 8000], 8: ['PCMA', 8000], 9: ['G722', 8000],
  13: ['CN', 8000], 18: ['G729', 8000],
};

const LINE = /^([a-z])=(.*)$/;
const MEDIA_LINE = /^(\w+) (\d+)(?:\/\d+)? ([\w/]+)((?: \S+)*)$/;
const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

function invalid(reason: string): MediaError {
  return new MediaError(MediaErrorCode.SdpInvalid, `not a valid SDP body: ${reason}`);
}

/**
 * Reads the parts of an SDP body the media plane cares about. Throws ERR_MEDIA_SDP_INVALID
 * when the text is not SDP (no v=0 first, lines not of the form x=..., no o=/s=, bad m= line).
 */
export function summarizeSdp(sdp: string): SdpSummary {
  if (typeof sdp !== 'string' || sdp.length === 0) throw invalid('empty body');
  if (sdp.length > 64 * 1024) throw invalid('body larger than 64 KiB');
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0') throw invalid('first line is not v=0');
  let sessionAddress: string | undefined;
  let sessionDirection: SdpMediaSection['direction'] = 'sendrecv';
  let seenOrigin = false;
  let seenName = false;
  type Section = SdpMediaSection & { rtpmaps: Map<number, SdpCodec>; formats: number[] };
  const media: Section[] = [];
  let current: Section | undefined;
  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m) throw invalid(`line "${line.slice(0, 40)}" is not of the form x=value`);
    const [, key, value] = m;
    if (key === 'o') seenOrigin = true;
    else if (key === 's') seenName = true;
    else if (key === 'm') {
      const ml = MEDIA_LINE.exec(value);
      if (!ml) throw invalid(`bad media line "m=${value.slice(0, 40)}"`);
      const formats = ml[4].trim().split(' ').filter(Boolean);
      current = {
        type: ml[1], port: Number(ml[2]), proto: ml[3], codecs: [], address: sessionAddress, direction: sessionDirection,
        attributes: [], rtpmaps: new Map(), formats: formats.map(Number).filter((n) => Number.isInteger(n)),
      };
      media.push(current);
    } else if (key === 'c') {
      const address = value.split(' ')[2]?.split('/')[0];
      if (current) current.address = address;
      else sessionAddress = address;
    } else if (key === 'a') {
      if (DIRECTIONS.has(value)) {
        if (current) current.direction = value as SdpMediaSection['direction'];
        else sessionDirection = value as SdpMediaSection['direction'];
      }
      if (!current) continue;
      current.attributes.push(value);
      const rtpmap = /^rtpmap:(\d+) ([^/\s]+)\/(\d+)(?:\/(\d+))?/.exec(value);
      if (rtpmap) {
        const pt = Number(rtpmap[1]);
        current.rtpmaps.set(pt, { payloadType: pt, name: rtpmap[2], clockRate: Number(rtpmap[3]), channels: Number(rtpmap[4] ?? 1) });
      }
    }
  }
  if (!seenOrigin || !seenName) throw invalid('missing o= or s= line');
  return {
    media: media.map(({ rtpmaps, formats, ...section }) => ({
      ...section,
      codecs: formats.flatMap((pt): SdpCodec[] => {
        const mapped = rtpmaps.get(pt);
        if (mapped) return [mapped];
        const known = STATIC_PAYLOADS[pt];
        return known ? [{ payloadType: pt, name: known[0], clockRate: known[1], channels: 1 }] : [];
      }),
    })),
  };
}

/** The active audio sections (port not 0). Throws ERR_MEDIA_NO_AUDIO when there is none. */
export function activeAudio(summary: SdpSummary): SdpMediaSection[] {
  const audio = summary.media.filter((m) => m.type === 'audio' && m.port !== 0);
  if (audio.length === 0) throw new MediaError(MediaErrorCode.NoAudio, 'the SDP has no active audio stream');
  return audio;
}
