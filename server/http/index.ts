export * from './app';
export * from './deps';
export * from './errors';
export * from './event-bus';
export * from './operator-directory';
