import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { TypedEmitter } from '../typed-emitter';
import { silentLogger, type MediaLogger } from '../logger';
import { closedError, MixerError, MixerErrorCode } from './errors';
import { Conference } from './conference';
import { FrameTicker, type FrameTickerStats, type MixerClock } from './frame-ticker';
import type { JitterBufferOptions } from './jitter-buffer';
import { PortBinder } from './port-binder';

/** Address the participants' sockets bind to. */
export const DEFAULT_MIXER_BIND_ADDRESS = '127.0.0.1';
/** Conferences open at once (bench:mixer: 50 three-party conferences take about a fifth of a core). */
export const DEFAULT_MAX_CONFERENCES = 50;
/** Participants in one conference. */
export const DEFAULT_MAX_PARTICIPANTS = 5;

export interface ConferenceMixerOptions {
  /** Default 127.0.0.1. */
  bindAddress?: string;
  /** The address written in SDP (default: bindAddress; required when binding 0.0.0.0). */
  announceAddress?: string;
  /** Port range for participants (even ports are used); default: ports the OS picks. */
  portMin?: number;
  portMax?: number;
  maxConferences?: number;
  maxParticipants?: number;
  jitter?: JitterBufferOptions;
  /** A fake clock for tests; default the monotonic system clock. */
  clock?: MixerClock;
  logger?: MediaLogger;
}

export interface ConferenceMixerEvents {
  /** A limit tripped (the caller also gets the typed error). */
  limit: [kind: 'conferences' | 'participants'];
}

export interface MixerStats {
  conferences: number;
  participants: number;
  conferencesCreated: number;
  /** Times createConference() hit maxConferences. */
  conferenceLimitTrips: number;
  /** Times addParticipant() hit maxParticipants. */
  participantLimitTrips: number;
  ticker: FrameTickerStats;
}

function badOption(field: string, message: string): MixerError {
  return new MixerError(MixerErrorCode.BadOption, `mixer option ${field}: ${message}`);
}

function positiveInt(field: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw badOption(field, `${String(v)} is not an integer ≥ 1`);
  return v;
}

/**
 * A G.711 conference mixer on plain RTP: the owner of conferences, of their participants' ports
 * and of one 20 ms ticker shared by all conferences (running only while a conference is open).
 * close() closes every conference; a closed mixer throws ERR_MIXER_INVALID_STATE.
 */
export class ConferenceMixer extends TypedEmitter<ConferenceMixerEvents> {
  readonly bindAddress: string;
  readonly announceAddress: string;
  readonly maxConferences: number;
  readonly maxParticipants: number;
  private readonly binder: PortBinder;
  private readonly ticker: FrameTicker;
  private readonly logger: MediaLogger;
  private readonly open = new Map<string, Conference>();
  private closing: Promise<void> | undefined;
  private readonly counters = { conferencesCreated: 0, conferenceLimitTrips: 0, participantLimitTrips: 0 };

  constructor(private readonly options: ConferenceMixerOptions = {}) {
    super();
    this.bindAddress = options.bindAddress ?? DEFAULT_MIXER_BIND_ADDRESS;
    if (isIP(this.bindAddress) === 0) throw badOption('bindAddress', `"${this.bindAddress}" is not an IP address`);
    this.announceAddress = options.announceAddress ?? this.bindAddress;
    if (isIP(this.announceAddress) === 0) throw badOption('announceAddress', `"${this.announceAddress}" is not an IP address`);
    if (/^(0\.0\.0\.0|::)$/.test(this.announceAddress)) throw badOption('announceAddress', 'required when binding a wildcard address');
    this.maxConferences = positiveInt('maxConferences', options.maxConferences, DEFAULT_MAX_CONFERENCES);
    this.maxParticipants = positiveInt('maxParticipants', options.maxParticipants, DEFAULT_MAX_PARTICIPANTS);
    const { portMin, portMax } = options;
    if ((portMin === undefined) !== (portMax === undefined)) throw badOption(portMin === undefined ? 'portMin' : 'portMax', 'portMin and portMax go together');
    if (portMin !== undefined && portMax !== undefined) {
      for (const [field, v] of [['portMin', portMin], ['portMax', portMax]] as const) {
        if (!Number.isInteger(v) || v < 1024 || v > 65535) throw badOption(field, `${v} is not a port in 1024..65535`);
      }
      if (portMax < portMin + (portMin % 2)) throw badOption('portMax', `the range ${portMin}-${portMax} holds no even port`);
    }
    this.binder = new PortBinder(this.bindAddress, portMin !== undefined && portMax !== undefined ? { portMin, portMax } : undefined);
    this.logger = options.logger ?? silentLogger;
    this.ticker = new FrameTicker((skipped) => this.tick(skipped), {
      clock: options.clock,
      onError: (err) => this.logger.error({ err }, 'conference mixer tick failed'),
    });
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  get conferences(): readonly Conference[] {
    return [...this.open.values()];
  }

  /** Opens a conference; ERR_MIXER_CONFERENCE_LIMIT when maxConferences are open. */
  createConference(options: { id?: string } = {}): Conference {
    if (this.closing) throw closedError('conference mixer');
    if (this.open.size >= this.maxConferences) {
      this.counters.conferenceLimitTrips++;
      this.emit('limit', 'conferences');
      throw new MixerError(MixerErrorCode.ConferenceLimit, `${this.maxConferences} conferences are open already (maxConferences)`);
    }
    const id = options.id ?? randomUUID();
    if (this.open.has(id)) throw new MixerError(MixerErrorCode.BadOption, `conference ${id} exists already`);
    const conference = new Conference({
      id,
      maxParticipants: this.maxParticipants,
      announceAddress: this.announceAddress,
      jitter: this.options.jitter,
      logger: this.logger,
      bind: () => this.binder.bind(),
      onParticipantLimit: () => {
        this.counters.participantLimitTrips++;
        this.emit('limit', 'participants');
      },
      onClose: (c) => this.forget(c),
    });
    this.open.set(id, conference);
    this.counters.conferencesCreated++;
    this.ticker.start();
    return conference;
  }

  stats(): MixerStats {
    let participants = 0;
    for (const c of this.open.values()) participants += c.participants.length;
    return { conferences: this.open.size, participants, ...this.counters, ticker: this.ticker.stats() };
  }

  /** Closes every conference and stops the ticker. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    const conferences = [...this.open.values()];
    this.closing = Promise.all(conferences.map((c) => c.close())).then(() => undefined);
    this.ticker.stop();
    return this.closing;
  }

  /** Mixes one frame for every conference. */
  private tick(skippedBefore: number): void {
    for (const conference of this.open.values()) conference.tick(skippedBefore);
  }

  private forget(conference: Conference): void {
    this.open.delete(conference.id);
    if (this.open.size === 0) this.ticker.stop();
  }
}
