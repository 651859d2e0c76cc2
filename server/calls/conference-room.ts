/**
 * A three-way (or larger) conference of one call: the caller and the operators each reach a
 * participant of the G.711 mixer through the media relay — the caller's parked session gets the
 * mixer as its other leg (plain RTP), each operator's device is moved by an offerless re-INVITE into
 * a relay session of its own whose far side is its mixer participant (Opus ↔ G.711 there). Everyone
 * hears everyone else; a party leaving leaves the others connected.
 */
import type { MediaRelay } from '../../media';
import type { OperatorLeg } from './ports';

/** What the calls layer needs of the mixer (`media/mixer`'s ConferenceMixer implements it). */
export interface MixerPort {
  createConference(): MixRoom;
}
export interface MixRoom {
  addParticipant(options: { codec: 'PCMU' | 'PCMA'; label?: string }): Promise<MixParty>;
  close(): Promise<void>;
}
export interface MixParty {
  sdp(): string;
  setRemoteSdp(sdp: string): unknown;
  close(): Promise<void>;
}

export interface ConferenceRoomDeps {
  mixer: MixerPort;
  media: Pick<MediaRelay, 'offer' | 'answer' | 'delete' | 'updateLeg'>;
  /** Rewrites a browser's offer before the relay sees it (ICE candidate filter). */
  browserOffer?: (sdp: string) => string;
  log: { warn(obj: object, msg?: string): void };
}

interface OperatorParty {
  operatorId: string;
  leg: OperatorLeg;
  party: MixParty;
  /** The relay session between the operator's device and its mixer participant. */
  mediaCallId: string;
}

export class ConferenceRoom {
  private readonly room: MixRoom;
  private readonly operators = new Map<string, OperatorParty>();
  private closed = false;

  constructor(private readonly callId: string, private readonly deps: ConferenceRoomDeps) {
    this.room = deps.mixer.createConference();
  }

  get operatorIds(): string[] {
    return [...this.operators.keys()];
  }

  /**
   * Joins the caller: `connect` attaches the mixer participant's SDP (a plain-RTP offer) to the
   * caller's media session and resolves with the relay's answer for it.
   */
  async joinCaller(connect: (offer: string) => Promise<string>): Promise<void> {
    const party = await this.room.addParticipant({ codec: 'PCMU', label: 'caller' });
    party.setRemoteSdp(await connect(party.sdp()));
  }

  /** Moves an operator's device into the conference (a re-INVITE without SDP, answered in the ACK). */
  async joinOperator(operatorId: string, leg: OperatorLeg): Promise<void> {
    const party = await this.room.addParticipant({ codec: 'PCMU', label: operatorId });
    const mediaCallId = `conf-${operatorId}-${this.callId}`;
    const { media } = this.deps;
    const fromTag = `op-${operatorId}`;
    await leg.renegotiate(async (offer) => {
      const toMixer = await media.offer({
        callId: mediaCallId, fromTag, sdp: this.deps.browserOffer ? this.deps.browserOffer(offer) : offer, from: 'browser', to: 'trunk',
      });
      party.setRemoteSdp(toMixer.sdp);
      const toDevice = await media.answer({ callId: mediaCallId, fromTag, toTag: 'mixer', sdp: party.sdp(), from: 'trunk', to: 'browser' });
      return toDevice.sdp;
    });
    this.operators.set(operatorId, { operatorId, leg, party, mediaCallId });
  }

  /** A new offer (hold, resume, refresh) from an operator in the conference, answered on their own relay session. */
  async update(operatorId: string, sdp: string): Promise<string> {
    const op = this.operators.get(operatorId);
    if (!op) throw new Error(`operator ${operatorId} is not in the conference`);
    const offer = this.deps.browserOffer ? this.deps.browserOffer(sdp) : sdp;
    return (await this.deps.media.updateLeg({ callId: op.mediaCallId, legTag: `op-${operatorId}`, sdp: offer, from: 'browser' })).sdp;
  }

  /** An operator left: their participant and relay session go; the others stay connected. */
  async leave(operatorId: string): Promise<void> {
    const op = this.operators.get(operatorId);
    if (!op) return;
    this.operators.delete(operatorId);
    await this.release(op);
  }

  /** Ends the conference: every operator leg is hung up, every participant and relay session released. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const op of this.operators.values()) {
      op.leg.hangUp();
      await this.release(op);
    }
    this.operators.clear();
    await this.room.close().catch((err: unknown) => this.deps.log.warn({ err }, 'the conference could not be closed'));
  }

  private async release(op: OperatorParty): Promise<void> {
    await op.party.close().catch((err: unknown) => this.deps.log.warn({ err, operatorId: op.operatorId }, 'a mixer participant could not be closed'));
    await this.deps.media.delete({ callId: op.mediaCallId })
      .catch((err: unknown) => this.deps.log.warn({ err, operatorId: op.operatorId }, 'a conference media session could not be deleted'));
  }
}
