import { isAbsolute } from 'node:path';
import { MediaError, MediaErrorCode } from '../errors';
import { answerParams, checkLegSdp, checkProducedSdp, LEG_PROFILES, mediaPolicy, offerParams, type LegKind, type MediaPolicy } from '../leg-profiles';
import { withOpusFec } from '../sdp/opus-fec';
import { activeAudio, summarizeSdp } from '../sdp/sdp-summary';
import { silentLogger, type MediaLogger } from '../logger';
import { NgClient, type NgParams, type NgReply } from '../ng/ng-client';
import { parseQueryReply } from './query-stats';
import { CallTags, placeholderSdp, type CallState, type LegState } from './call-tags';
import { alignDtmf, answerDirection, offererRole, audioDirection, keepAudioCodecs, withDirection, withDtlsSetup, withoutSsrc } from '../sdp/sdp-edit';
import type { DtmfLogEntry } from './dtmf-log';
import { TypedEmitter } from '../typed-emitter';
import type {
  AnswerOptions, CallStats, ConnectedResult, DeleteOptions, LegPairMedia, LegSelector, MediaRelay, MediaRelayEvents, MediaRelayState, OfferOptions,
  ConnectParkedOptions, ParkOptions, PlayMediaOptions, PlayMediaResult, ReparkOptions, SdpResult, SendDtmfOptions, UpdateLegOptions,
} from '../media-relay';
import { MAX_DTMF_DIGITS } from '../media-relay';

export interface RtpengineRelayOptions {
  /** rtpengine's ng control address. */
  host: string;
  port: number;
  /** Time allowed for one ng command. Default 2000 ms. */
  timeoutMs?: number;
  /** Interval of the `ping` health check; 0 turns it off. Default 1000 ms. */
  healthCheckIntervalMs?: number;
  /**
   * Interval of the session check: the relay lists the calls rtpengine holds and reports the ones
   * it created that are gone (`calls-lost`), e.g. an rtpengine restarted between two pings. 0 turns
   * it off. Default 5000 ms.
   */
  sessionCheckIntervalMs?: number;
  /** Record every call from its first offer (rtpengine's `record call`). Default false. */
  recordCalls?: boolean;
  logger?: MediaLogger;
}

/** Repeats for "loop until stopped": rtpengine stops at stop media or delete long before. */
const LOOP_REPEATS = 100000;

/**
 * Flags for the trunk SDP of a call whose caller's address is pinned (ParkOptions.pinAddress):
 * rtpengine sends to the address in the SDP and drops packets from any other source.
 */
const PINNED_FLAGS = ['strict source', 'endpoint-learning-off'];

/** rtpengine's error reasons that mean "no such call or leg". */
const NOT_FOUND = /unknown (call|tag)|call-id not found|not found/i;
const BAD_SDP = /parse SDP|incomplete SDP/i;

/**
 * Whether a leg's answer gets its own telephone-event payload type back (alignDtmf's restore).
 * Only when rtpengine decodes the call (DTMF injection on): it then re-encodes the events with the
 * other leg's number. Relaying untouched, rtpengine forwards RFC 4733 packets with the number they
 * came with, so the leg has to send with the caller's number: its answer keeps it (a browser sends
 * with the answer's payload types).
 */
function keepsOwnDtmfPt(policy: MediaPolicy): boolean {
  return policy.injectDtmf;
}

/** The MediaRelay adapter for rtpengine over the ng protocol (UDP). */
export class RtpengineRelay extends TypedEmitter<MediaRelayEvents> implements MediaRelay {
  private readonly client: NgClient;
  private readonly logger: MediaLogger;
  private readonly recordCalls: boolean;
  private readonly healthTimer: NodeJS.Timeout | undefined;
  private readonly sessionTimer: NodeJS.Timeout | undefined;
  private checkingSessions = false;
  /** Calls this relay created, so that a failed first offer can be cleaned up without touching live calls. */
  private readonly known = new Set<string>();
  /** Legs whose media is blocked while a file plays to another leg, by `callId\ntag`. */
  private readonly blocked = new Map<string, string[]>();
  private readonly tags = new CallTags();
  /** Calls whose trunk legs' media addresses are the ones in their SDP (see ParkOptions.pinAddress). */
  private readonly pinned = new Set<string>();
  private current: MediaRelayState = 'up';
  private downError: MediaError | undefined;
  private checking = false;

  constructor(options: RtpengineRelayOptions) {
    super();
    this.logger = options.logger ?? silentLogger;
    this.recordCalls = options.recordCalls ?? false;
    this.client = new NgClient({ host: options.host, port: options.port, timeoutMs: options.timeoutMs, logger: this.logger });
    const interval = options.healthCheckIntervalMs ?? 1000;
    if (interval > 0) {
      this.healthTimer = setInterval(() => void this.healthCheck(), interval);
      this.healthTimer.unref();
    }
    const sessionInterval = options.sessionCheckIntervalMs ?? 5000;
    if (sessionInterval > 0) {
      this.sessionTimer = setInterval(() => void this.checkSessions(), sessionInterval);
      this.sessionTimer.unref();
    }
  }

  get state(): MediaRelayState {
    return this.current;
  }

  async offer(o: OfferOptions): Promise<SdpResult> {
    const found = checkLegSdp(o.sdp, o.from);
    const policy = mediaPolicy(o.codecPolicy);
    // a trunk's own G.711 laws first, so a browser that takes the first codec it knows needs no transcoding
    const codecs = o.codecs ?? (o.from === 'trunk' && o.to === 'browser' && policy.codecs === 'avoid-transcoding'
      ? [...new Set([...found, ...LEG_PROFILES.browser.codecs])] : undefined);
    const params: NgParams = {
      ...this.pin(offerParams(o.from, o.to, codecs, policy), o.callId, o.from), 'call-id': o.callId, 'from-tag': o.fromTag, sdp: o.sdp, label: o.label,
      'record call': (o.record ?? this.recordCalls) ? 'yes' : undefined,
    };
    const isNew = !this.known.has(o.callId);
    try {
      const reply = await this.command('offer', params, o.callId);
      let sdp = this.sdpOf(reply, 'offer', o.callId);
      checkProducedSdp(sdp, o.to);
      // A browser is always the DTLS server (passive): rtpengine answers a browser's offer as the
      // client (active), so a browser it offers to is told that rtpengine takes the client role
      // too, and answers passive (rtpengine, having offered actpass, follows that answer). With
      // one role in every session, a device can be moved to another session by a re-INVITE (an
      // attended transfer, a conference): Chromium refuses to reverse a DTLS role it has taken.
      if (o.to === 'browser') sdp = withDtlsSetup(sdp, 'active');
      if (o.to === 'browser' && policy.codecs === 'opus') sdp = withOpusFec(sdp);
      this.known.add(o.callId);
      this.tags.offered(o.callId, o.fromTag, o.from, o.sdp);
      const call = this.tags.call(o.callId);
      if (call && (isNew || o.codecPolicy)) call.policy = policy;
      return { sdp };
    } catch (err) {
      if (isNew) await this.discard(o.callId);
      throw err;
    }
  }

  async answer(o: AnswerOptions): Promise<SdpResult> {
    checkLegSdp(o.sdp, o.from);
    const params: NgParams = {
      ...this.pin(answerParams(o.to, this.tags.call(o.callId)?.policy), o.callId, o.from), 'call-id': o.callId, 'from-tag': this.tags.resolve(o.callId, o.fromTag), 'to-tag': this.tags.resolve(o.callId, o.toTag),
      sdp: o.sdp, label: o.label,
    };
    const reply = await this.command('answer', params, o.callId);
    const sdp = this.sdpOf(reply, 'answer', o.callId);
    checkProducedSdp(sdp, o.to);
    this.tags.answered(o.callId, params['from-tag'] as string, params['to-tag'] as string, o.from, o.sdp);
    return { sdp };
  }

  async park(o: ParkOptions): Promise<SdpResult> {
    const codecs = checkLegSdp(o.sdp, 'trunk');
    const g711 = codecs.find((c): c is 'PCMU' | 'PCMA' => c === 'PCMU' || c === 'PCMA') ?? 'PCMU';
    if (o.pinAddress) this.pinned.add(o.callId);
    else this.pinned.delete(o.callId);
    await this.offer({ callId: o.callId, fromTag: o.fromTag, sdp: o.sdp, from: 'trunk', to: 'trunk', codecs: [g711], record: o.record, label: o.label });
    const tag = this.tags.park(o.callId, o.fromTag, o.sdp, g711, placeholderSdp(g711));
    try {
      const reply = await this.command('answer', {
        ...answerParams('trunk'), 'call-id': o.callId, 'from-tag': o.fromTag, 'to-tag': tag, sdp: placeholderSdp(g711),
      }, o.callId);
      const sdp = this.sdpOf(reply, 'answer', o.callId);
      checkProducedSdp(sdp, 'trunk');
      return { sdp };
    } catch (err) {
      this.tags.forget(o.callId);
      this.pinned.delete(o.callId);
      await this.discard(o.callId);
      throw err;
    }
  }

  async connectParked(o: ConnectParkedOptions): Promise<ConnectedResult> {
    const parked = this.tags.parkedCall(o.callId);
    if (!parked) throw new MediaError(MediaErrorCode.NotFound, `call ${o.callId} is not parked`, { callId: o.callId });
    checkLegSdp(o.sdp, o.from);
    // The leg's offer enters rtpengine as a re-offer from the placeholder's side; the caller's
    // own SDP is replayed as its answer. Port latching keeps the caller's ports, so the trunk
    // needs no re-INVITE; the leg, being the offerer, starts ICE and DTLS only once it has
    // rtpengine's answer, so no handshake can start against a half-known peer.
    const common = { 'call-id': o.callId, 'from-tag': parked.tag, 'to-tag': parked.callerTag };
    const policy = mediaPolicy(o.codecPolicy);
    const offer = offerParams(o.from, 'trunk', [parked.codec], policy);
    const aligned = alignDtmf(o.sdp, parked.callerSdp);
    // `reset` makes rtpengine forget what it learnt of the placeholder (no ICE, its ICE role):
    // without it rtpengine may keep the controlling role the offerer also takes (role conflict).
    await this.command('offer', {
      ...offer, ...common, sdp: aligned.sdp, label: o.label, flags: [...(offer.flags as string[]), 'port latching', 'reset'],
    }, o.callId);
    const answer = this.pin(answerParams(o.from, policy), o.callId, 'trunk');
    const reply = await this.command('answer', {
      ...answer, ...common, sdp: parked.callerSdp, flags: [...(answer.flags as string[]), 'port latching'],
    }, o.callId);
    // relayed untouched, the leg's telephone-event must use the caller's payload type (see keepsOwnDtmfPt)
    const answered = this.sdpOf(reply, 'answer', o.callId);
    let sdp = keepsOwnDtmfPt(policy) ? aligned.restore(answered) : answered;
    checkProducedSdp(sdp, o.from);
    if (o.from === 'browser' && policy.codecs === 'opus') sdp = withOpusFec(sdp);
    this.tags.connect(o.callId, o.legTag, o.from, aligned.sdp, offererRole(o.sdp, sdp), policy);
    const media = this.pairMedia(parked.codec, sdp, policy);
    return media ? { sdp, media } : { sdp };
  }

  /**
   * The codecs of a caller and the leg just connected to it, from what was negotiated: the law the
   * caller was answered with, and the first audio codec of rtpengine's answer to the leg (what it
   * sends there). rtpengine transcodes when they differ or when DTMF injection is on. (Its `query`
   * names a leg's codec only once packets flow, so it cannot be asked at this point.)
   */
  private pairMedia(callerCodec: 'PCMU' | 'PCMA', legAnswer: string, policy: MediaPolicy): LegPairMedia | undefined {
    const legCodec = activeAudio(summarizeSdp(legAnswer))[0]?.codecs.find((c) => !['telephone-event', 'CN'].includes(c.name));
    if (!legCodec) return undefined;
    const name = `${legCodec.name}/${legCodec.clockRate}${legCodec.channels && legCodec.channels > 1 ? `/${legCodec.channels}` : ''}`;
    const transcoded = legCodec.name.toUpperCase() !== callerCodec || legCodec.clockRate !== 8000 || policy.injectDtmf;
    return { callerCodec: `${callerCodec}/8000`, legCodec: name, transcoded };
  }

  async updateLeg(o: UpdateLegOptions): Promise<SdpResult> {
    const call = this.tags.call(o.callId);
    const side = this.tags.side(o.callId, o.legTag);
    const peer = this.tags.peer(o.callId, o.legTag);
    if (!call || !side || !peer) throw new MediaError(MediaErrorCode.NotFound, `call ${o.callId} has no leg ${o.legTag} in dialogue`, { callId: o.callId });
    checkLegSdp(o.sdp, o.from);
    const wanted = answerDirection(audioDirection(o.sdp));
    const aligned = alignDtmf(o.sdp, peer.sdp);
    const previous = { sdp: side.sdp, kind: side.kind };
    let sdp: string;
    try {
      const answered = await this.reoffer(o.callId, call, side, peer, aligned.sdp, o.from, o.label);
      sdp = keepsOwnDtmfPt(call.policy ?? mediaPolicy()) ? aligned.restore(answered) : answered;
      checkProducedSdp(sdp, o.from);
    } catch (err) {
      // rtpengine may hold half of the new offer: offer the leg's previous SDP again, so that
      // the call keeps the media it had.
      if (err instanceof MediaError && err.command !== 'offer' && err.code !== MediaErrorCode.RelayDown) {
        await this.reoffer(o.callId, call, side, peer, previous.sdp, previous.kind).catch((restoreErr: unknown) => {
          this.logger.error({ callId: o.callId, leg: o.legTag, err: (restoreErr as Error).message }, 'could not restore the media of a refused re-offer');
        });
      }
      throw err;
    }
    if (audioDirection(sdp) !== wanted) sdp = withDirection(sdp, wanted);
    side.sdp = aligned.sdp;
    side.kind = o.from;
    side.setup = offererRole(o.sdp, sdp) ?? side.setup;
    return { sdp };
  }

  /**
   * One offer/answer round on an existing call without asking the other leg: the offer enters
   * rtpengine as usual, the other leg's last SDP is replayed as its answer with the direction that
   * answers this offer. Port latching keeps every port. `inactive` is given to rtpengine as
   * `sendonly`, so that the other leg can still be played music on hold (the caller of updateLeg
   * writes `inactive` back). A parked-then-connected caller keeps its codec. Returns rtpengine's answer.
   */
  private async reoffer(callId: string, call: CallState, side: LegState, peer: LegState, sdp: string, from: LegKind, label?: string): Promise<string> {
    let toEngine = audioDirection(sdp) === 'inactive' ? withDirection(sdp, 'sendonly') : sdp;
    if (from === 'trunk' && side === call.a && call.codec) toEngine = keepAudioCodecs(toEngine, [call.codec]);
    const common = { 'call-id': callId, 'from-tag': side.tag, 'to-tag': peer.tag };
    const policy = call.policy ?? mediaPolicy();
    const offer = this.pin(offerParams(from, peer.kind, peer.kind === 'trunk' && call.codec ? [call.codec] : undefined, policy), callId, from);
    await this.command('offer', {
      ...offer, ...common, sdp: toEngine, label, flags: [...(offer.flags as string[]), 'port latching'],
    }, callId);
    const replay = withDirection(peer.setup ? withDtlsSetup(peer.sdp, peer.setup) : peer.sdp, answerDirection(audioDirection(toEngine)));
    const answer = this.pin(answerParams(from, policy), callId, peer.kind);
    const reply = await this.command('answer', {
      ...answer, ...common, sdp: replay, flags: [...(answer.flags as string[]), 'port latching'],
    }, callId);
    const answered = this.sdpOf(reply, 'answer', callId);
    return from === 'browser' && policy.codecs === 'opus' ? withOpusFec(answered) : answered;
  }

  async repark(o: ReparkOptions): Promise<void> {
    const call = this.tags.call(o.callId);
    if (!call?.b || call.b.external !== o.legTag || call.parked || !call.codec) {
      throw new MediaError(MediaErrorCode.NotFound, `call ${o.callId} has no leg ${o.legTag} connected to a parked caller`, { callId: o.callId });
    }
    const placeholder = placeholderSdp(call.codec);
    // The placeholder re-offers in the leg's place (`reset` drops its ICE and DTLS state); the
    // caller's SDP is replayed as the answer, so the caller keeps its ports and needs no re-INVITE.
    const common = { 'call-id': o.callId, 'from-tag': call.b.tag, 'to-tag': call.a.tag };
    const policy = call.policy ?? mediaPolicy();
    const offer = offerParams('trunk', 'trunk', [call.codec], policy);
    await this.command('offer', {
      ...offer, ...common, sdp: placeholder, flags: [...(offer.flags as string[]), 'port latching', 'reset'],
    }, o.callId);
    const answer = this.pin(answerParams('trunk', policy), o.callId, 'trunk');
    await this.command('answer', {
      ...answer, ...common, sdp: withDirection(call.a.sdp, 'sendrecv'), flags: [...(answer.flags as string[]), 'port latching'],
    }, o.callId);
    this.tags.repark(o.callId, placeholder);
  }

  async sendDtmf(o: SendDtmfOptions): Promise<void> {
    if (!/^[0-9*#A-D]+$/i.test(o.digits)) throw new MediaError(MediaErrorCode.RelayError, `DTMF digits must be 0-9, *, #, A-D; got "${o.digits.slice(0, 40)}"`);
    if (o.digits.length > MAX_DTMF_DIGITS) throw new MediaError(MediaErrorCode.RelayError, `at most ${MAX_DTMF_DIGITS} DTMF digits per request, got ${o.digits.length}`);
    const duration = Math.min(5000, Math.max(100, Math.round(o.durationMs ?? 250)));
    // rtpengine's `play DTMF` names the leg the digits come from: the one in dialogue with `tag`.
    const peer = this.tags.peer(o.callId, o.tag);
    if (!peer) throw new MediaError(MediaErrorCode.NotFound, `call ${o.callId} has no leg ${o.tag} in dialogue`, { callId: o.callId });
    await this.enableDtmfInjection(o.callId);
    for (const digit of o.digits.toUpperCase()) {
      await this.command('play DTMF', { 'call-id': o.callId, 'from-tag': peer.tag, code: digit, duration }, o.callId);
    }
  }

  /**
   * `play DTMF` only reaches a leg when the call was marked `inject DTMF` in an offer and its
   * answer; without it rtpengine accepts the command and sends nothing. A call relayed without
   * transcoding is marked at its first sendDtmf() by one offer/answer round from the caller's side
   * (its SDPs replayed, ports latched, as for a refresh); from then on rtpengine decodes its audio.
   */
  private async enableDtmfInjection(callId: string): Promise<void> {
    const call = this.tags.call(callId);
    if (!call?.b) return;
    const policy = call.policy ?? mediaPolicy();
    if (policy.injectDtmf) return;
    call.policy = { ...policy, injectDtmf: true };
    try {
      await this.reoffer(callId, call, call.a, call.b, call.a.sdp, call.a.kind);
    } catch (err) {
      call.policy = policy;
      throw err;
    }
    this.logger.info({ callId }, 'DTMF injection turned on: rtpengine now decodes this call');
  }

  /** Emits a `dtmf` event for a DTMF report of the relay (see DtmfLog), with the application's tag. */
  reportDtmf(entry: DtmfLogEntry): void {
    if (this.current === 'closed') return;
    this.emit('dtmf', { callId: entry.callId, tag: this.tags.external(entry.callId, entry.tag), digit: entry.digit });
  }

  async delete(o: DeleteOptions): Promise<void> {
    // a call being deleted is not one the session check may report lost
    if (!o.fromTag && !o.toTag) this.known.delete(o.callId);
    await this.command('delete', {
      'call-id': o.callId, 'from-tag': o.fromTag, 'to-tag': this.tags.resolve(o.callId, o.toTag), 'delete delay': 0,
    }, o.callId);
    if (!o.fromTag && !o.toTag) {
      this.known.delete(o.callId);
      this.tags.forget(o.callId);
      this.pinned.delete(o.callId);
      for (const key of [...this.blocked.keys()]) if (key.startsWith(`${o.callId}\n`)) this.blocked.delete(key);
    }
  }

  async playMedia(options: PlayMediaOptions): Promise<PlayMediaResult> {
    const o = { ...options, tag: this.tags.resolve(options.callId, options.tag) ?? options.tag };
    if (!isAbsolute(o.file)) throw new MediaError(MediaErrorCode.RelayError, `play media needs an absolute path, got ${o.file}`);
    if (o.exclusive ?? true) await this.blockOthers(o);
    const reply = await this.command('play media', {
      'call-id': o.callId, 'from-tag': o.tag, file: o.file, 'repeat-times': (o.loop ?? true) ? LOOP_REPEATS : 1,
    }, o.callId);
    return { durationMs: typeof reply.duration === 'number' ? reply.duration : undefined };
  }

  async stopMedia(options: LegSelector): Promise<void> {
    const o = { ...options, tag: this.tags.resolve(options.callId, options.tag) ?? options.tag };
    const key = `${o.callId}\n${o.tag}`;
    const blocked = this.blocked.get(key) ?? [];
    this.blocked.delete(key);
    try {
      await this.command('stop media', { 'call-id': o.callId, 'from-tag': o.tag }, o.callId);
    } finally {
      for (const other of blocked) await this.command('unblock media', { 'call-id': o.callId, 'from-tag': other }, o.callId);
    }
  }

  /**
   * rtpengine adds the player's stream next to the media it forwards; to make the file replace
   * what the other legs send to this one, their media is blocked until stopMedia().
   */
  private async blockOthers(o: LegSelector): Promise<void> {
    const key = `${o.callId}\n${o.tag}`;
    const stats = parseQueryReply(o.callId, await this.command('query', { 'call-id': o.callId }, o.callId));
    if (!stats.legs.some((l) => l.tag === o.tag)) throw new MediaError(MediaErrorCode.NotFound, `call ${o.callId} has no leg ${o.tag}`, { callId: o.callId });
    const others = stats.legs.map((l) => l.tag).filter((t) => t !== '' && t !== o.tag && !(this.blocked.get(key) ?? []).includes(t));
    for (const other of others) await this.command('block media', { 'call-id': o.callId, 'from-tag': other }, o.callId);
    this.blocked.set(key, [...(this.blocked.get(key) ?? []), ...others]);
  }

  async startRecording(o: { callId: string }): Promise<void> {
    await this.command('start recording', { 'call-id': o.callId }, o.callId);
  }

  async stopRecording(o: { callId: string }): Promise<void> {
    await this.command('stop recording', { 'call-id': o.callId }, o.callId);
  }

  async callStats(callId: string): Promise<CallStats> {
    const stats = parseQueryReply(callId, await this.command('query', { 'call-id': callId }, callId));
    for (const leg of stats.legs) {
      leg.tag = this.tags.external(callId, leg.tag);
      if (leg.inDialogueWith) leg.inDialogueWith = this.tags.external(callId, leg.inDialogueWith);
    }
    return stats;
  }

  async listCalls(limit = 1000): Promise<string[]> {
    const reply = await this.command('list', { limit });
    return Array.isArray(reply.calls) ? reply.calls.filter((c): c is string => typeof c === 'string') : [];
  }

  async ping(): Promise<void> {
    const reply = await this.command('ping', {}, undefined, true);
    if (reply.result !== 'pong') throw new MediaError(MediaErrorCode.RelayError, `unexpected ping reply ${reply.result}`);
  }

  async close(): Promise<void> {
    if (this.current === 'closed') return;
    this.current = 'closed';
    if (this.healthTimer) clearInterval(this.healthTimer);
    if (this.sessionTimer) clearInterval(this.sessionTimer);
    this.client.close();
  }

  /**
   * Marks the relay down (e.g. the local rtpengine process exited). `callsLost` (default true)
   * drops what the relay knows of its calls: a new rtpengine holds none. A relay that only stopped
   * answering in time keeps them, so calls carry on if it answers again.
   */
  markDown(cause: MediaError, callsLost = true): void {
    const lost = callsLost ? [...new Set([...this.known, ...this.tags.callIds()])] : [];
    if (callsLost) {
      this.known.clear();
      this.blocked.clear();
      this.tags.clear();
      this.pinned.clear();
    }
    if (this.current === 'up') {
      this.current = 'down';
      this.downError = cause;
      this.logger.error({ relay: this.client.address, err: cause.message, callsLost }, 'media relay down');
      this.emit('down', cause);
    }
    if (lost.length > 0) this.emit('calls-lost', { callIds: lost, reason: cause.message });
  }

  /**
   * Finds calls this relay created that rtpengine no longer holds (it restarted, or dropped them):
   * a `list`, then a `query` of each missing one to rule out a call created meanwhile. The lost
   * ones are forgotten and reported with `calls-lost`.
   */
  async checkSessions(): Promise<string[]> {
    if (this.checkingSessions || this.current !== 'up' || this.known.size === 0) return [];
    this.checkingSessions = true;
    try {
      const before = [...this.known];
      const listed = new Set(await this.listCalls(before.length + 1000));
      const lost: string[] = [];
      for (const callId of before.filter((id) => !listed.has(id))) {
        try {
          await this.command('query', { 'call-id': callId }, callId);
        } catch (err) {
          if (err instanceof MediaError && err.code === MediaErrorCode.NotFound && this.known.has(callId)) lost.push(callId);
          else if (!(err instanceof MediaError && err.code === MediaErrorCode.NotFound)) throw err;
        }
      }
      for (const callId of lost) {
        this.known.delete(callId);
        this.tags.forget(callId);
        this.pinned.delete(callId);
        for (const key of [...this.blocked.keys()]) if (key.startsWith(`${callId}\n`)) this.blocked.delete(key);
      }
      if (lost.length > 0) {
        this.logger.error({ relay: this.client.address, calls: lost.length }, 'rtpengine no longer holds calls it had: their media is lost');
        this.emit('calls-lost', { callIds: lost, reason: `rtpengine at ${this.client.address} no longer holds them (restarted?)` });
      }
      return lost;
    } catch (err) {
      this.logger.warn({ relay: this.client.address, err: (err as Error).message }, 'session check failed');
      return [];
    } finally {
      this.checkingSessions = false;
    }
  }

  private markUp(): void {
    if (this.current !== 'down') return;
    this.current = 'up';
    this.downError = undefined;
    this.logger.info({ relay: this.client.address }, 'media relay up');
    this.emit('up');
  }

  private async healthCheck(): Promise<void> {
    if (this.checking || this.current === 'closed') return;
    this.checking = true;
    try {
      await this.ping();
      this.markUp();
    } catch (err) {
      if (err instanceof MediaError && (err.code === MediaErrorCode.RelayDown || err.code === MediaErrorCode.Timeout)) {
        // Refused: nothing listens there any more (its calls are gone); a timeout may be a busy relay.
        this.markDown(new MediaError(MediaErrorCode.RelayDown, `rtpengine at ${this.client.address} stopped answering: ${err.message}`, { cause: err }),
          err.code === MediaErrorCode.RelayDown);
      }
    } finally {
      this.checking = false;
    }
  }

  /** Sends one command, mapping failures to MediaError codes; fails at once while the relay is down. */
  private async command(name: string, params: NgParams, callId?: string, probe = false): Promise<NgReply> {
    if (this.current === 'closed') throw new MediaError(MediaErrorCode.InvalidState, 'media relay is closed', { command: name, callId });
    if (this.current === 'down' && !probe) {
      throw new MediaError(MediaErrorCode.RelayDown, `media relay is down: ${this.downError?.message ?? 'unknown reason'}`, {
        command: name, callId, cause: this.downError,
      });
    }
    try {
      return await this.client.request(name, params);
    } catch (err) {
      if (!(err instanceof MediaError)) throw err;
      if (err.code === MediaErrorCode.RelayDown) {
        if (!probe) this.markDown(err);
        throw new MediaError(err.code, err.message, { cause: err, command: name, callId });
      }
      if (err.code === MediaErrorCode.RelayError) {
        const code = BAD_SDP.test(err.message) ? MediaErrorCode.SdpInvalid : NOT_FOUND.test(err.message) ? MediaErrorCode.NotFound : err.code;
        throw new MediaError(code, err.message, { cause: err, command: name, callId });
      }
      throw new MediaError(err.code, err.message, { cause: err, command: name, callId });
    }
  }

  /**
   * The SDP of rtpengine's reply, without the SSRCs it copied from the other leg: with `inject DTMF`
   * every stream is re-encoded and sent under an SSRC of rtpengine's own (see withoutSsrc).
   */
  private sdpOf(reply: NgReply, command: string, callId: string): string {
    if (typeof reply.sdp !== 'string') throw new MediaError(MediaErrorCode.RelayError, `rtpengine's ${command} reply has no SDP`, { command, callId });
    return withoutSsrc(reply.sdp);
  }

  /** `params` for an SDP from a `sender` leg of `callId`, with the pinning flags when that is a pinned trunk leg. */
  private pin(params: NgParams, callId: string, sender: LegKind): NgParams {
    if (sender !== 'trunk' || !this.pinned.has(callId)) return params;
    return { ...params, flags: [...((params.flags as string[] | undefined) ?? []), ...PINNED_FLAGS] };
  }

  /** Best-effort removal of a call whose first offer failed, so nothing is left behind. */
  private async discard(callId: string): Promise<void> {
    try {
      await this.client.request('delete', { 'call-id': callId, 'delete delay': 0 });
    } catch (err) {
      this.logger.debug({ callId, err: (err as Error).message }, 'no session to discard');
    }
  }
}

