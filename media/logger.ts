/** The slice of a pino logger the media plane uses; pass `pino()` or a child of it. */
export interface MediaLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => undefined;

/** A logger that drops everything, the default when none is given. */
export const silentLogger: MediaLogger = { debug: noop, info: noop, warn: noop, error: noop };
