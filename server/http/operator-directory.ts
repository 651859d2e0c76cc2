/**
 * The operators who may sign in to the softphone, built from the configuration. The sign-in
 * password is the operator's SIP password (the softphone registers with it), checked against
 * `sip.password`, or against `sip.ha1.md5` = md5(username:realm:password) when only the HA1 is
 * configured. Comparisons are timing-safe, and an unknown username costs the same work.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DeskConfigSchema, type Config } from '../../config';
import type { DeskSettings, OperatorAccount, OperatorDirectory, Role } from './deps';

export interface OperatorDirectoryOptions {
  /** The SIP WebSocket URL as browsers reach it; default from `sip.ws` (and `sip.publicAddress`). */
  wsServer?: string;
  iceServers?: OperatorDirectory['sip']['iceServers'];
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const md5hex = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

/** Equal-length digests compared in constant time. */
function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

type OperatorSip = Config['operators'][number]['sip'];

/** The password check of one operator. */
export function passwordVerifier(sip: OperatorSip, realm: string): (password: string) => boolean {
  if (sip.password !== undefined) {
    const expected = sha256(sip.password);
    return (password) => sameDigest(sha256(password), expected);
  }
  const ha1 = Buffer.from((sip.ha1?.md5 ?? '').toLowerCase(), 'utf8');
  return (password) => sameDigest(Buffer.from(md5hex(`${sip.username}:${realm}:${password}`), 'utf8'), ha1);
}

/** `ws://address:port` (or `wss://` with TLS); the public address when one is configured. */
export function defaultWsServer(sip: Config['sip']): string {
  const scheme = sip.ws.tls?.cert && sip.ws.tls.key ? 'wss' : 'ws';
  const host = sip.publicAddress ?? sip.ws.address;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${sip.ws.port}`;
}

/** The role of an operator from the `roles` section (everyone unlisted is an operator). */
export function roleOf(roles: Config['roles'] | undefined, id: string): Role {
  if (roles?.admins.includes(id)) return 'admin';
  if (roles?.supervisors.includes(id)) return 'supervisor';
  return 'operator';
}

/** The `desk` section as the API uses it (milliseconds); its defaults when absent. */
export function deskSettings(desk: Config['desk'] = DeskConfigSchema.parse({})): DeskSettings {
  return {
    pauseReasons: desk.pauseReasons.map((r) => ({ id: r.id, label: r.label })),
    wrapUp: { extendMs: desk.wrapUp.extendSeconds * 1000, maxTotalMs: desk.wrapUp.maxTotalSeconds * 1000 },
  };
}

export function createOperatorDirectory(config: Pick<Config, 'operators' | 'sip'> & Partial<Pick<Config, 'roles' | 'desk'>>, options: OperatorDirectoryOptions = {}): OperatorDirectory {
  const realm = config.sip.realm;
  const byUsername = new Map<string, OperatorAccount>();
  const byId = new Map<string, OperatorAccount>();
  for (const op of config.operators) {
    const account: OperatorAccount = {
      id: op.id, name: op.name, sipUsername: op.sip.username, verifyPassword: passwordVerifier(op.sip, realm),
      role: roleOf(config.roles, op.id), queues: op.queues.map((q) => q.queue),
    };
    byUsername.set(account.sipUsername, account);
    byId.set(account.id, account);
  }
  return {
    byUsername: (username) => byUsername.get(username),
    byId: (id) => byId.get(id),
    desk: deskSettings(config.desk),
    sip: {
      realm,
      wsServer: options.wsServer ?? defaultWsServer(config.sip),
      ...(options.iceServers ? { iceServers: options.iceServers } : {}),
    },
  };
}

const DUMMY = sha256('switchboard: no such operator');

/**
 * Checks a sign-in. Returns the account or undefined; does the same hashing for an unknown
 * username, so response times do not tell which usernames exist.
 */
export function authenticate(directory: OperatorDirectory, username: string, password: string): OperatorAccount | undefined {
  const account = directory.byUsername(username);
  if (!account) {
    sameDigest(sha256(password), DUMMY);
    return undefined;
  }
  return account.verifyPassword(password) ? account : undefined;
}
