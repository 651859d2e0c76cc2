import type { LegKind, MediaPolicy } from '../leg-profiles';

/** One side of a call as rtpengine knows it. */
export interface LegState {
  /** rtpengine's tag for this side (a placeholder keeps its tag when a leg takes it over). */
  tag: string;
  /** The application's tag for this side. */
  external: string;
  kind: LegKind;
  /** The leg's latest SDP (offer or answer), replayed as its answer when the other side re-offers. */
  sdp: string;
  /**
   * The DTLS role to announce when `sdp` (an offer with `a=setup:actpass`) is replayed as an
   * answer: the opposite of what rtpengine answered that leg.
   */
  setup?: 'active' | 'passive';
}

/** A two-sided call: `a` made the first offer (the caller), `b` answered it (or is the placeholder). */
export interface CallState {
  a: LegState;
  b: LegState | undefined;
  /** True while `b` is the placeholder of a parked caller. */
  parked: boolean;
  /** The G.711 law a parked caller was answered with; it keeps it while legs come and go. */
  codec: 'PCMU' | 'PCMA' | undefined;
  /** The codec policy and DTMF injection of the call's latest offer/answer (default: mediaPolicy()). */
  policy?: MediaPolicy;
}

/** A parked caller, as connectParked() needs it. */
export interface ParkedCall {
  callerTag: string;
  /** rtpengine's tag of the placeholder leg. */
  tag: string;
  /** The caller's latest SDP, replayed as its answer when a leg is connected. */
  callerSdp: string;
  /** The G.711 law the caller was answered with; it keeps it. */
  codec: 'PCMU' | 'PCMA';
}

/**
 * Bookkeeping of the two sides of each call. A parked caller is answered by rtpengine against a
 * placeholder leg (tag `<callerTag>~parked`) so that it hears announcements and music before anyone
 * answers. When an operator's leg is connected later, it takes over the placeholder's place in
 * rtpengine (so the caller keeps its ports and codec) and the leg's own tag becomes an alias of
 * it; repark() gives the place back to the placeholder.
 */
export class CallTags {
  private readonly calls = new Map<string, CallState>();

  /** Records the first offer of a call (or a re-offer by its first side). */
  offered(callId: string, tag: string, kind: LegKind, sdp: string): void {
    const call = this.calls.get(callId);
    if (!call) {
      this.calls.set(callId, { a: { tag, external: tag, kind, sdp }, b: undefined, parked: false, codec: undefined });
      return;
    }
    const side = this.side(callId, tag);
    if (side) side.sdp = sdp;
  }

  /** Records the answer of the other side. */
  answered(callId: string, fromTag: string, toTag: string, kind: LegKind, sdp: string): void {
    const call = this.calls.get(callId);
    if (!call) return;
    const side = call.a.tag === fromTag ? 'b' : call.b?.tag === fromTag ? 'a' : undefined;
    if (!side) return;
    const existing = call[side];
    if (existing && existing.tag === toTag) {
      existing.sdp = sdp;
      existing.kind = kind;
    } else if (side === 'b') {
      call.b = { tag: toTag, external: toTag, kind, sdp };
    }
  }

  /** Marks the call as parked and returns the placeholder tag. */
  park(callId: string, callerTag: string, callerSdp: string, codec: 'PCMU' | 'PCMA', placeholder: string): string {
    const tag = `${callerTag}~parked`;
    this.calls.set(callId, {
      a: { tag: callerTag, external: callerTag, kind: 'trunk', sdp: callerSdp },
      b: { tag, external: tag, kind: 'trunk', sdp: placeholder },
      parked: true,
      codec,
    });
    return tag;
  }

  parkedCall(callId: string): ParkedCall | undefined {
    const call = this.calls.get(callId);
    if (!call?.parked || !call.b || !call.codec) return undefined;
    return { callerTag: call.a.external, tag: call.b.tag, callerSdp: call.a.sdp, codec: call.codec };
  }

  call(callId: string): CallState | undefined {
    return this.calls.get(callId);
  }

  /** The leg `legTag` took over the placeholder: it is no longer parked. */
  connect(callId: string, legTag: string, kind: LegKind, sdp: string, setup?: 'active' | 'passive', policy?: MediaPolicy): void {
    const call = this.calls.get(callId);
    if (!call?.parked || !call.b) return;
    call.b = { tag: call.b.tag, external: legTag, kind, sdp, setup };
    call.parked = false;
    if (policy) call.policy = policy;
  }

  /** The placeholder takes the connected leg's place again. */
  repark(callId: string, placeholder: string): void {
    const call = this.calls.get(callId);
    if (!call?.b) return;
    call.b = { tag: call.b.tag, external: call.b.tag, kind: 'trunk', sdp: placeholder };
    call.parked = true;
  }

  /** The side whose application tag (or rtpengine tag) is `tag`. */
  side(callId: string, tag: string): LegState | undefined {
    const call = this.calls.get(callId);
    if (!call) return undefined;
    return [call.a, call.b].find((s) => s && s.external === tag) ?? [call.a, call.b].find((s) => s && s.tag === tag);
  }

  /** The other side of the call than the one tagged `tag`. */
  peer(callId: string, tag: string): LegState | undefined {
    const call = this.calls.get(callId);
    const side = this.side(callId, tag);
    if (!call || !side) return undefined;
    return side === call.a ? call.b : call.a;
  }

  /** The tag rtpengine knows for a tag the application uses. */
  resolve(callId: string, tag: string | undefined): string | undefined {
    if (tag === undefined) return undefined;
    const call = this.calls.get(callId);
    const side = call && [call.a, call.b].find((s) => s && s.external === tag);
    return side?.tag ?? tag;
  }

  /** The application's tag for a tag rtpengine reports. */
  external(callId: string, tag: string): string {
    const call = this.calls.get(callId);
    const side = call && [call.a, call.b].find((s) => s && s.tag === tag);
    return side?.external ?? tag;
  }

  /** The ids of every call with bookkeeping here. */
  callIds(): string[] {
    return [...this.calls.keys()];
  }

  forget(callId: string): void {
    this.calls.delete(callId);
  }

  clear(): void {
    this.calls.clear();
  }
}

/** The answer rtpengine is given for a parked caller: G.711 towards the discard port on loopback. */
export function placeholderSdp(codec: 'PCMU' | 'PCMA'): string {
  const pt = codec === 'PCMU' ? 0 : 8;
  return ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=switchboard-parked', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio 9 RTP/AVP ${pt} 101`, `a=rtpmap:${pt} ${codec}/8000`, 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15',
    'a=sendrecv', ''].join('\r\n');
}
