/**
 * Bookkeeping for parked calls. A parked caller is answered by rtpengine against a placeholder
 * leg (tag `<callerTag>~parked`) so that it hears announcements and music before anyone answers.
 * When an operator's leg is connected later, it takes over the placeholder's place in rtpengine
 * (so the caller keeps its ports and codec) and the leg's own tag becomes an alias of it.
 */
export interface ParkedCall {
  callerTag: string;
  /** rtpengine's tag of the placeholder leg. */
  tag: string;
  /** The caller's SDP offer, replayed as its answer when a leg is connected. */
  callerSdp: string;
  /** The G.711 law the caller was answered with; it keeps it. */
  codec: 'PCMU' | 'PCMA';
}

export class CallTags {
  private readonly parked = new Map<string, ParkedCall>();
  private readonly aliases = new Map<string, string>();

  /** Marks the call as parked and returns the placeholder tag. */
  park(callId: string, callerTag: string, callerSdp: string, codec: 'PCMU' | 'PCMA'): string {
    const tag = `${callerTag}~parked`;
    this.parked.set(callId, { callerTag, tag, callerSdp, codec });
    return tag;
  }

  parkedCall(callId: string): ParkedCall | undefined {
    return this.parked.get(callId);
  }

  /** The leg `legTag` took over the placeholder: it is no longer parked. */
  connect(callId: string, legTag: string): void {
    const p = this.parked.get(callId);
    if (!p) return;
    this.parked.delete(callId);
    this.aliases.set(`${callId}\n${legTag}`, p.tag);
  }

  /** The tag rtpengine knows for a tag the application uses. */
  resolve(callId: string, tag: string | undefined): string | undefined {
    return tag === undefined ? undefined : this.aliases.get(`${callId}\n${tag}`) ?? tag;
  }

  /** The application's tag for a tag rtpengine reports. */
  external(callId: string, tag: string): string {
    for (const [key, internal] of this.aliases) if (internal === tag && key.startsWith(`${callId}\n`)) return key.slice(callId.length + 1);
    return tag;
  }

  forget(callId: string): void {
    this.parked.delete(callId);
    for (const key of [...this.aliases.keys()]) if (key.startsWith(`${callId}\n`)) this.aliases.delete(key);
  }

  clear(): void {
    this.parked.clear();
    this.aliases.clear();
  }
}

/** The answer rtpengine is given for a parked caller: G.711 towards the discard port on loopback. */
export function placeholderSdp(codec: 'PCMU' | 'PCMA'): string {
  const pt = codec === 'PCMU' ? 0 : 8;
  return ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=switchboard-parked', 'c=IN IP4 127.0.0.1', 't=0 0',
    `m=audio 9 RTP/AVP ${pt} 101`, `a=rtpmap:${pt} ${codec}/8000`, 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15',
    'a=sendrecv', ''].join('\r\n');
}
