import type { EventEmitter } from 'node:events';

export type Protocol = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/** Where a message goes or comes from. `connectionId` pins a connection-oriented flow. */
export interface Endpoint {
  protocol: Protocol;
  address: string;
  port: number;
  connectionId?: string;
  /** The host name the address was resolved from (TLS checks the certificate against it). */
  hostname?: string;
}

/** Where a message came from and which local socket received it. */
export interface Source extends Endpoint {
  localAddress: string;
  localPort: number;
}

export interface ListenSpec {
  protocol: Protocol;
  address: string;
  port: number;
  /**
   * PEM certificate and key file paths, for wss and tls; for tls also the CA file trusted when
   * verifying servers we connect to, whether to verify them (default true), and hosts not verified.
   */
  tls?: { cert: string; key: string; ca?: string; verifyPeer?: boolean; noVerify?: string[] };
}

export interface TransportEvents {
  /** A whole message's bytes (a datagram, or a frame cut from a stream). */
  data: [bytes: Buffer, source: Source];
  /** Bytes that broke a stream's framing (the connection is closed after this). */
  framingError: [reason: string, bytes: Buffer, source: Source];
  /** A connection-oriented flow closed: its peer can no longer be reached. */
  connectionClosed: [flow: Source];
}

/** One listening socket (UDP) or server (TCP, WS…) and the connections it owns. */
export interface Transport extends EventEmitter<TransportEvents> {
  readonly protocol: Protocol;
  /** The bound address and port (after listening on port 0, the real port). */
  readonly local: { address: string; port: number };
  listen(): Promise<void>;
  /** Sends bytes; `onError` is called when they cannot be sent (connection refused, reset…). */
  send(dest: Endpoint, bytes: Buffer, onError?: (err: Error) => void): void;
  /** Whether a connection-oriented flow is still open. */
  hasConnection(connectionId: string): boolean;
  /** The open connection to a remote address and port, if any. */
  connectionTo(address: string, port: number): string | undefined;
  /** Closes a connection-oriented flow (after input that is not SIP). */
  closeConnection(connectionId: string): void;
  close(): Promise<void>;
}

export function isReliable(protocol: Protocol): boolean {
  return protocol !== 'udp';
}
