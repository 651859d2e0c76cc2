import { MediaError, MediaErrorCode } from './errors';
import { activeAudio, summarizeSdp, type SdpMediaSection } from './sdp/sdp-summary';
import type { NgParams } from './ng/ng-client';

/** Which side of the B2BUA a leg faces. */
export type LegKind = 'trunk' | 'browser';

/** Audio codecs the platform speaks; rtpengine transcodes between them. */
export type AudioCodec = 'opus' | 'PCMU' | 'PCMA';

export interface LegProfile {
  readonly kind: LegKind;
  /** The only transport this leg is ever given. */
  readonly transport: 'RTP/AVP' | 'UDP/TLS/RTP/SAVPF';
  /** Codecs accepted from and offered to this leg, most preferred first. */
  readonly codecs: readonly AudioCodec[];
}

/** SIP trunks and PBXs: plain RTP, G.711 (μ-law first), RFC 4733 telephone-event. */
export const TRUNK_PROFILE: LegProfile = { kind: 'trunk', transport: 'RTP/AVP', codecs: ['PCMU', 'PCMA'] };

/** Browser softphones: ICE + DTLS-SRTP + rtcp-mux, Opus preferred, G.711 allowed. Never plain RTP. */
export const BROWSER_PROFILE: LegProfile = { kind: 'browser', transport: 'UDP/TLS/RTP/SAVPF', codecs: ['opus', 'PCMU', 'PCMA'] };

export const LEG_PROFILES: Readonly<Record<LegKind, LegProfile>> = { trunk: TRUNK_PROFILE, browser: BROWSER_PROFILE };

/** Codecs that ride along with audio and never make a leg acceptable on their own. */
const AUXILIARY = new Set(['telephone-event', 'CN']);

/**
 * Checks an SDP received from a leg against that leg's profile before rtpengine sees it:
 * ERR_MEDIA_SDP_INVALID (not SDP), ERR_MEDIA_NO_AUDIO, ERR_MEDIA_CODEC_UNSUPPORTED.
 * Returns the audio codecs of the profile found in the SDP, in the SDP's order.
 */
export function checkLegSdp(sdp: string, from: LegKind): AudioCodec[] {
  const audio = activeAudio(summarizeSdp(sdp));
  const profile = LEG_PROFILES[from];
  const found = audio.flatMap((m) => m.codecs).map((c) => profileCodec(c, profile)).filter((c): c is AudioCodec => c !== undefined);
  if (found.length === 0) {
    const offered = audio.flatMap((m) => m.codecs.map((c) => c.name)).filter((n) => !AUXILIARY.has(n));
    throw new MediaError(
      MediaErrorCode.CodecUnsupported,
      `the ${from} leg offers no usable codec (offered: ${offered.join(', ') || 'none'}; accepted: ${profile.codecs.join(', ')})`,
    );
  }
  return [...new Set(found)];
}

function profileCodec(codec: SdpMediaSection['codecs'][number], profile: LegProfile): AudioCodec | undefined {
  const name = codec.name.toLowerCase();
  if (name === 'opus' && codec.clockRate === 48000) return profile.codecs.includes('opus') ? 'opus' : undefined;
  if ((name === 'pcmu' || name === 'pcma') && codec.clockRate === 8000) {
    const c = name === 'pcmu' ? 'PCMU' : 'PCMA';
    return profile.codecs.includes(c) ? c : undefined;
  }
  return undefined;
}

/** Checks that what rtpengine produced for a leg obeys its profile (e.g. no plain RTP to a browser). */
export function checkProducedSdp(sdp: string, to: LegKind): void {
  const audio = activeAudio(summarizeSdp(sdp));
  const profile = LEG_PROFILES[to];
  for (const m of audio) {
    if (m.proto !== profile.transport) {
      throw new MediaError(MediaErrorCode.RelayError, `rtpengine produced ${m.proto} for the ${to} leg, expected ${profile.transport}`);
    }
    if (to === 'browser' && !m.attributes.some((a) => a.startsWith('fingerprint:'))) {
      throw new MediaError(MediaErrorCode.RelayError, 'rtpengine produced no DTLS fingerprint for the browser leg');
    }
    if (!m.codecs.some((c) => profileCodec(c, profile))) {
      throw new MediaError(MediaErrorCode.CodecUnsupported, `no codec in common for the ${to} leg`);
    }
  }
}

/**
 * How the browser leg's codec is chosen (per queue or operator group in the app's config):
 * - `avoid-transcoding` (default): the trunk's G.711 law is offered to and accepted from the
 *   browser first, so rtpengine relays the audio without decoding it;
 * - `opus`: the browser speaks Opus (with in-band FEC, for lossy networks) and rtpengine
 *   transcodes to and from the trunk's G.711.
 * telephone-event is offered under both.
 */
export type CodecPolicy = 'avoid-transcoding' | 'opus';
export const CODEC_POLICIES: readonly CodecPolicy[] = ['avoid-transcoding', 'opus'];
export const DEFAULT_CODEC_POLICY: CodecPolicy = 'avoid-transcoding';

/** What shapes one call's media in rtpengine besides the leg profiles. */
export interface MediaPolicy {
  codecs: CodecPolicy;
  /**
   * `inject DTMF` on every offer and answer, so that `play DTMF` (sendDtmf) can insert digits.
   * It makes rtpengine decode and re-encode every stream (G.711 to G.711 included), so it is on
   * from the start only where the call is transcoded anyway (`opus`); otherwise it is turned on
   * by the first sendDtmf().
   */
  injectDtmf: boolean;
}

export function mediaPolicy(codecs: CodecPolicy = DEFAULT_CODEC_POLICY, injectDtmf = codecs === 'opus'): MediaPolicy {
  return { codecs, injectDtmf };
}

/** The codecs to offer a leg under a policy: G.711 before Opus unless the policy is `opus`. */
export function policyCodecs(to: LegKind, policy: CodecPolicy, codecs?: readonly AudioCodec[]): AudioCodec[] {
  const profile = LEG_PROFILES[to];
  const wanted = (codecs ?? profile.codecs).filter((c) => profile.codecs.includes(c));
  if (policy === 'opus') return wanted;
  return [...wanted.filter((c) => c !== 'opus'), ...wanted.filter((c) => c === 'opus')];
}

/**
 * The ng options that shape the SDP rtpengine sends towards `to` for an offer from `from`.
 * `codecs` narrows (and orders) the codecs offered to that leg; it defaults to the profile's list,
 * reordered by the policy (G.711 first unless `opus`).
 */
export function offerParams(from: LegKind, to: LegKind, codecs?: readonly AudioCodec[], policy: MediaPolicy = mediaPolicy()): NgParams {
  const wanted = policyCodecs(to, policy.codecs, codecs);
  if (wanted.length === 0) {
    throw new MediaError(MediaErrorCode.CodecUnsupported, `none of ${codecs?.join(', ')} is allowed on the ${to} leg`);
  }
  // mask=all + transcode=[list] makes the list the whole offer, in this order; codecs the
  // offerer also has pass through untouched, the others are transcoded. Under the `opus` policy,
  // for a browser's offer, accept=opus makes rtpengine answer the browser with Opus (transcoding)
  // even when the far side picks a G.711 law the browser also offered; accept=telephone-event
  // keeps telephone-event/48000 in that answer, which Chromium's RTCDTMFSender needs alongside
  // Opus (rtpengine converts it to the trunk's /8000). Under `avoid-transcoding` the browser is
  // answered with the G.711 law the far side picked, and telephone-event/8000 passes through.
  const codec: NgParams = { mask: ['all'], transcode: [...wanted, 'telephone-event'] };
  if (from === 'browser' && !wanted.includes('opus') && policy.codecs === 'opus') codec.accept = ['opus', 'telephone-event'];
  const dtmf = policy.injectDtmf ? ['inject DTMF'] : [];
  if (to === 'browser') {
    return {
      'transport-protocol': 'UDP/TLS/RTP/SAVPF', ICE: 'force', 'rtcp-mux': ['offer', 'require'], SDES: ['off'],
      flags: ['generate mid', 'trust address', ...dtmf], replace: ['origin', 'session-connection'], codec,
    };
  }
  return {
    'transport-protocol': 'RTP/AVP', ICE: 'remove', 'rtcp-mux': ['demux'], DTLS: 'off', SDES: ['off'],
    flags: ['trust address', 'strip extmap', ...dtmf], replace: ['origin', 'session-connection'], codec,
  };
}

/** The ng options for an answer SDP travelling back towards the offering leg `to`. */
export function answerParams(to: LegKind, policy: MediaPolicy = mediaPolicy()): NgParams {
  const dtmf = policy.injectDtmf ? ['inject DTMF'] : [];
  if (to === 'browser') {
    return { ICE: 'force', 'rtcp-mux': ['require'], SDES: ['off'], flags: ['trust address', ...dtmf], replace: ['origin', 'session-connection'] };
  }
  return { ICE: 'remove', 'rtcp-mux': ['demux'], flags: ['trust address', ...dtmf], replace: ['origin', 'session-connection'] };
}
