/** The pino-like logger the records layer writes to. */
export interface RecordsLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: RecordsLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
