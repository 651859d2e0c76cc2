/** The logging the engine needs; pino loggers satisfy it. */
export interface EngineLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: EngineLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
