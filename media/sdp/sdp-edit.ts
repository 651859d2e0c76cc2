import { activeAudio, summarizeSdp, type SdpMediaSection } from './sdp-summary';

/** RFC 3264 media direction. */
export type MediaDirection = SdpMediaSection['direction'];

const DIRECTION_LINE = /^a=(sendrecv|sendonly|recvonly|inactive)$/;

/** The direction of the first active audio stream of an SDP (sendrecv when none is written). */
export function audioDirection(sdp: string): MediaDirection {
  return activeAudio(summarizeSdp(sdp))[0].direction;
}

/** The direction an answer must have for an offer with `offered` (RFC 3264 §6.1). */
export function answerDirection(offered: MediaDirection): MediaDirection {
  if (offered === 'sendonly') return 'recvonly';
  if (offered === 'recvonly') return 'sendonly';
  return offered;
}

/** Rewrites every media section's direction to `direction` (session-level direction lines are dropped). */
export function withDirection(sdp: string, direction: MediaDirection): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0 && !DIRECTION_LINE.test(l));
  const out: string[] = [];
  let inMedia = false;
  for (const line of lines) {
    if (line.startsWith('m=') && inMedia) out.push(`a=${direction}`);
    if (line.startsWith('m=')) inMedia = true;
    out.push(line);
  }
  if (inMedia) out.push(`a=${direction}`);
  return out.join(eol) + eol;
}

/**
 * Drops the `a=ssrc:` and `a=ssrc-group:` lines. rtpengine copies them from one leg's SDP into
 * the SDP it writes for the other leg, but it sends that leg the streams it re-encodes under SSRCs
 * of its own: a browser told to expect the other browser's SSRC plays silence from the packets it
 * does get. Without those lines the browser plays whatever SSRC arrives on the media section.
 */
export function withoutSsrc(sdp: string): string {
  return sdp.replace(/^a=ssrc(-group)?:.*(\r?\n|$)/gm, '');
}

/** The DTLS role an SDP announces (`a=setup:`), if any. */
export function dtlsSetup(sdp: string): 'active' | 'passive' | 'actpass' | 'holdconn' | undefined {
  const m = /^a=setup:(active|passive|actpass|holdconn)\s*$/m.exec(sdp);
  return m ? (m[1] as 'active' | 'passive' | 'actpass' | 'holdconn') : undefined;
}

/** Replaces `a=setup:actpass` by a definite role, so that an offer can be replayed as an answer. */
export function withDtlsSetup(sdp: string, role: 'active' | 'passive'): string {
  return sdp.replace(/^a=setup:actpass(\r?)$/gm, `a=setup:${role}$1`);
}

/**
 * Keeps only the audio codecs named in `names` (and telephone-event) in every audio section,
 * when the section has at least one of them; other sections are left as they are.
 */
export function keepAudioCodecs(sdp: string, names: readonly string[]): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const wanted = new Set([...names.map((n) => n.toLowerCase()), 'telephone-event']);
  const sections: string[][] = [[]];
  for (const line of sdp.split(/\r?\n/).filter((l) => l.length > 0)) {
    if (line.startsWith('m=')) sections.push([]);
    sections[sections.length - 1].push(line);
  }
  const out = sections.flatMap((section) => {
    const m = /^m=audio (\S+) (\S+) (.*)$/.exec(section[0] ?? '');
    if (!m) return section;
    const names = new Map<string, string>();
    for (const line of section) {
      const r = /^a=rtpmap:(\d+) ([^/\s]+)/.exec(line);
      if (r) names.set(r[1], r[2].toLowerCase());
    }
    const statics: Record<string, string> = { 0: 'pcmu', 8: 'pcma' };
    const keep = m[3].split(' ').filter((pt) => wanted.has(names.get(pt) ?? statics[pt] ?? ''));
    if (!keep.some((pt) => (names.get(pt) ?? statics[pt]) !== 'telephone-event')) return section;
    const dropped = new Set(m[3].split(' ').filter((pt) => !keep.includes(pt)));
    return [`m=audio ${m[1]} ${m[2]} ${keep.join(' ')}`, ...section.slice(1).filter((line) => {
      const pt = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/.exec(line)?.[1];
      return pt === undefined || !dropped.has(pt);
    })];
  });
  return out.join(eol) + eol;
}

/** The payload type of telephone-event at `clockRate` in the first audio section, if offered. */
export function telephoneEventPt(sdp: string, clockRate = 8000): number | undefined {
  const m = new RegExp(`^a=rtpmap:(\\d+) telephone-event/${clockRate}\\s*$`, 'm').exec(sdp);
  return m ? Number(m[1]) : undefined;
}

/** Renames payload type `from` to `to` in the audio sections (m= format list, rtpmap, fmtp, rtcp-fb). */
export function renumberPayloadType(sdp: string, from: number, to: number): string {
  if (from === to) return sdp;
  return sdp.split(/(\r?\n)/).map((line) => {
    const m = /^(m=audio \S+ \S+)((?: \S+)*)$/.exec(line);
    if (m) return m[1] + m[2].split(' ').map((pt) => (pt === String(from) ? String(to) : pt)).join(' ');
    return line.replace(new RegExp(`^a=(rtpmap|fmtp|rtcp-fb):${from}(?=\\s)`), `a=$1:${to}`);
  }).join('');
}

/**
 * Gives telephone-event/8000 in `offer` the payload type `pt` (the one the other leg already
 * uses), so that rtpengine passes it through under the number that leg knows. Left alone when
 * `pt` is taken by another codec of the offer or the offer has no telephone-event/8000.
 */
export function alignTelephoneEvent(offer: string, pt: number): { sdp: string; original: number | undefined } {
  const own = telephoneEventPt(offer);
  if (own === undefined || own === pt) return { sdp: offer, original: undefined };
  const taken = new RegExp(`^m=audio \\S+ \\S+(?: \\S+)* ${pt}(?: |\\r?$)`, 'm').test(offer);
  if (taken) return { sdp: offer, original: undefined };
  return { sdp: renumberPayloadType(offer, own, pt), original: own };
}

/**
 * rtpengine passes telephone-event/8000 through under the offering leg's payload type; when it
 * differs from the one the other leg already uses, that leg (which is not asked again) would get
 * no RFC 4733 at all. The offer is given the other leg's number, and `restore` gives the answer
 * for the offering leg its own number back.
 */
export function alignDtmf(offer: string, otherSdp: string): { sdp: string; restore(answer: string): string } {
  const theirs = telephoneEventPt(otherSdp);
  const aligned = theirs === undefined ? { sdp: offer, original: undefined } : alignTelephoneEvent(offer, theirs);
  return {
    sdp: aligned.sdp,
    restore: (answer) => (aligned.original === undefined || theirs === undefined ? answer : renumberPayloadType(answer, theirs, aligned.original)),
  };
}

/** The DTLS role the leg that sent `offer` takes, given the `answer` it got (undefined without DTLS). */
export function offererRole(offer: string, answer: string): 'active' | 'passive' | undefined {
  if (dtlsSetup(offer) !== 'actpass') return undefined;
  const ours = dtlsSetup(answer);
  return ours === 'active' ? 'passive' : ours === 'passive' ? 'active' : undefined;
}
