export * from './errors';
export * from './media-relay';
export * from './leg-profiles';
export type { MediaLogger } from './logger';
export { RtpengineRelay, type RtpengineRelayOptions } from './rtpengine/rtpengine-relay';
export { LocalRtpengine, type LocalRtpengineOptions, type LocalRtpengineEvents, type LocalRtpengineExit } from './rtpengine/local-rtpengine';
export { startMediaRelay, type MediaRelayConfig, type RunningMediaRelay } from './start-media-relay';
export { mediaAssetPath, MEDIA_ASSET_FILES, type MediaAsset } from './assets';
export { recordingFiles } from './rtpengine/recording-files';
