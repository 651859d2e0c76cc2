export { SipEngine, ENGINE_VERSION, type FlowInfo, type SipEngineEvents, type SipEngineOptions, type SipEngineStats } from './engine';
export { parseContact } from './contact';
export { startEngineWorker, type EngineWorker, type EngineWorkerOptions } from './worker';
export type { EngineLogger } from './logger';
export type { ListenSpec, Protocol } from './transport/types';
export { DEFAULT_SOURCE_LIMITS, SOURCE_LIMIT_NAMES, type SourceLimitName, type SourceLimitsOptions } from './transport/source-limits';
