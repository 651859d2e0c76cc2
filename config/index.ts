export * from './config-error';
export * from './env-overrides';
export * from './load-config';
export * from './read-config-files';
export { redactConfig, REDACTED } from './redact';
export * from './schema';
