import type * as dgram from 'node:dgram';
import { TypedEmitter } from '../typed-emitter';
import type { MediaLogger } from '../logger';
import { closedError, MixerError, MixerErrorCode } from './errors';
import type { JitterBufferOptions } from './jitter-buffer';
import { mixOthers } from './mix';
import { FRAME_SAMPLES, MixerParticipant, type ParticipantOptions } from './mixer-participant';

export interface ConferenceEvents {
  /** A participant left (removed, closed, or its socket failed). */
  'participant-left': [participant: MixerParticipant];
  close: [];
}

/** What the mixer hands a conference. */
export interface ConferenceContext {
  id: string;
  maxParticipants: number;
  announceAddress: string;
  jitter: JitterBufferOptions | undefined;
  logger: MediaLogger;
  bind: () => Promise<dgram.Socket>;
  onParticipantLimit: () => void;
  onClose: (conference: Conference) => void;
}

/**
 * One conference: its participants each hear the sum of all the others, mixed every 20 ms by the
 * mixer's ticker. A participant leaving leaves the rest connected; close() closes them all.
 */
export class Conference extends TypedEmitter<ConferenceEvents> {
  readonly id: string;
  private members: MixerParticipant[] = [];
  private pending = 0;
  private nextParticipant = 1;
  private closing: Promise<void> | undefined;
  // Buffers reused by every tick, one slot per possible participant.
  private readonly frames: Int16Array[];
  private readonly outputs: Int16Array[];
  private readonly inputs: (Int16Array | undefined)[] = [];
  private readonly scratch = new Int32Array(FRAME_SAMPLES);

  constructor(private readonly context: ConferenceContext) {
    super();
    this.id = context.id;
    this.frames = Array.from({ length: context.maxParticipants }, () => new Int16Array(FRAME_SAMPLES));
    this.outputs = Array.from({ length: context.maxParticipants }, () => new Int16Array(FRAME_SAMPLES));
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  get participants(): readonly MixerParticipant[] {
    return [...this.members];
  }

  /**
   * Binds a port for a new participant. Rejects with ERR_MIXER_PARTICIPANT_LIMIT when the
   * conference is full, ERR_MIXER_NO_PORT when the port range is exhausted, ERR_MIXER_BAD_OPTION
   * for a codec or ptime the mixer does not run, ERR_MIXER_INVALID_STATE once closed.
   */
  async addParticipant(options: ParticipantOptions): Promise<MixerParticipant> {
    if (this.closing) throw closedError(`conference ${this.id}`);
    if (options?.codec !== 'PCMU' && options?.codec !== 'PCMA') {
      throw new MixerError(MixerErrorCode.BadOption, `codec ${String(options?.codec)} is not PCMU or PCMA`);
    }
    if (options.ptime !== undefined && options.ptime !== 20) {
      throw new MixerError(MixerErrorCode.BadOption, `ptime ${String(options.ptime)} is not supported (the mixer runs 20 ms frames)`);
    }
    if (this.members.length + this.pending >= this.context.maxParticipants) {
      this.context.onParticipantLimit();
      throw new MixerError(MixerErrorCode.ParticipantLimit, `conference ${this.id} has ${this.context.maxParticipants} participants already (maxParticipants)`);
    }
    this.pending++;
    let socket: dgram.Socket;
    try {
      socket = await this.context.bind();
    } finally {
      this.pending--;
    }
    if (this.closing) {
      socket.close();
      throw closedError(`conference ${this.id}`);
    }
    const participant = new MixerParticipant(options, {
      id: `${this.id}/p${this.nextParticipant++}`,
      socket,
      announceAddress: this.context.announceAddress,
      jitter: this.context.jitter,
      logger: this.context.logger,
      onClose: (p) => this.forget(p),
    });
    this.members = [...this.members, participant];
    return participant;
  }

  /** Closes a participant (by object or id); the others stay connected. Unknown ones are ignored. */
  async removeParticipant(participant: MixerParticipant | string): Promise<void> {
    if (this.closing) throw closedError(`conference ${this.id}`);
    const p = typeof participant === 'string' ? this.members.find((m) => m.id === participant) : participant;
    if (p && this.members.includes(p)) await p.close();
  }

  /** Closes every participant and leaves the mixer. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const members = this.members;
    this.closing = Promise.all(members.map((p) => p.close())).then(() => undefined);
    this.members = [];
    this.context.onClose(this);
    this.emit('close');
    return this.closing;
  }

  /**
   * One 20 ms frame: pull every participant's frame, mix the others for each, send.
   * `skippedBefore` frames were skipped just before this one (the event loop stalled).
   */
  tick(skippedBefore = 0): void {
    const members = this.members;
    const n = members.length;
    if (n === 0) return;
    if (skippedBefore > 0) for (const p of members) p.skipFrames(skippedBefore);
    this.inputs.length = n;
    for (let i = 0; i < n; i++) this.inputs[i] = members[i].pullFrame(this.frames[i]) ? this.frames[i] : undefined;
    const outputs = n === this.outputs.length ? this.outputs : this.outputs.slice(0, n);
    mixOthers(this.inputs, outputs, this.scratch);
    for (let i = 0; i < n; i++) members[i].sendFrame(outputs[i]);
  }

  private forget(participant: MixerParticipant): void {
    const before = this.members.length;
    this.members = this.members.filter((m) => m !== participant);
    if (this.members.length !== before) this.emit('participant-left', participant);
  }
}
