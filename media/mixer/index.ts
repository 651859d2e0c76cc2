export * from './errors';
export { ConferenceMixer, DEFAULT_MAX_CONFERENCES, DEFAULT_MAX_PARTICIPANTS, DEFAULT_MIXER_BIND_ADDRESS, type ConferenceMixerOptions, type ConferenceMixerEvents, type MixerStats } from './conference-mixer';
export { Conference, type ConferenceEvents } from './conference';
export { MixerParticipant, FRAME_SAMPLES, type ParticipantOptions, type ParticipantStats, type RemoteAddress, type TelephoneEvent, type MixerParticipantEvents } from './mixer-participant';
export { mixOthers, softLimit, LIMITER_KNEE } from './mix';
export { JitterBuffer, DEFAULT_JITTER_CAPACITY, DEFAULT_JITTER_PREFETCH, type JitterBufferOptions, type JitterBufferStats } from './jitter-buffer';
export { FrameTicker, systemClock, DEFAULT_MAX_CATCH_UP_TICKS, type MixerClock, type FrameTickerStats } from './frame-ticker';
export { TELEPHONE_EVENT_PT } from './participant-sdp';
