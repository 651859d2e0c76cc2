/**
 * HTTPS for the softphone page and the API (`http.tls`): browsers open the microphone only on a
 * secure page, so an operator on another machine needs it (or a TLS-terminating proxy in front).
 */
import { readFileSync } from 'node:fs';
import type { RequestListener, Server } from 'node:http';
import { createServer } from 'node:https';
import { AppError } from '../routing';

export interface HttpTlsFiles {
  cert: string;
  key: string;
}

/** Reads the PEM files; a file that cannot be read is an ERR_INVALID_CONFIG naming its field. */
export function readHttpTls(files: HttpTlsFiles): { cert: Buffer; key: Buffer } {
  const read = (field: 'cert' | 'key') => {
    try {
      return readFileSync(files[field]);
    } catch (cause) {
      throw new AppError('ERR_INVALID_CONFIG', `http.tls.${field}: cannot read ${files[field]}: ${(cause as Error).message}`, { cause, details: { field: `http.tls.${field}` } });
    }
  };
  return { cert: read('cert'), key: read('key') };
}

/** An HTTPS server for `app`, listening on `port`/`address` (the caller waits for `listening`). */
export function listenSecurely(app: RequestListener, pem: { cert: Buffer; key: Buffer }, at: { port: number; address: string }): Server {
  let server;
  try {
    server = createServer({ cert: pem.cert, key: pem.key }, app);
  } catch (cause) {
    // a key that does not match the certificate, or a file that is not PEM
    throw new AppError('ERR_INVALID_CONFIG', `http.tls: the certificate and key are not usable: ${(cause as Error).message}`, { cause, details: { field: 'http.tls' } });
  }
  return server.listen(at.port, at.address) as unknown as Server;
}
