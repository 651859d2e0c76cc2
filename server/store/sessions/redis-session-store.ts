/**
 * Sign-in sessions in Redis, so that they survive a restart of the server (and are the same on
 * every instance that reads them at start). One key per session, `<prefix>:session:<sha256 of the
 * token>`, holding the session as JSON and expiring with it (PXAT). Every call is bounded by
 * `commandTimeoutMs`; past it, it fails with ERR_STORE_UNAVAILABLE.
 */
import { createHash } from 'node:crypto';
import { ErrorReply, type createClient } from 'redis';
import { bounded } from '../bounded';
import { DEFAULT_STORE_COMMAND_TIMEOUT_MS, storeUnavailable } from '../redis-store';

type RedisClient = ReturnType<typeof createClient>;

/** A sign-in session as the HTTP layer keeps it. */
export interface StoredSession {
  token: string;
  operatorId: string;
  createdAt: number;
  expiresAt: number;
  routing: boolean;
}

/** Default bound on the sessions read back at start (a store holding more is cut there, with a log line). */
export const MAX_RESTORED_SESSIONS = 10_000;

export function sessionKeys(prefix: string) {
  return {
    /** STRING: the session as JSON; expires with it. */
    session: (token: string) => `${prefix}:session:${createHash('sha256').update(token).digest('hex')}`,
    /** SCAN pattern of every session key. */
    pattern: `${prefix}:session:*`,
  };
}

export class RedisSessionStore {
  private readonly keys: ReturnType<typeof sessionKeys>;

  constructor(private readonly client: RedisClient, prefix: string, private readonly commandTimeoutMs = DEFAULT_STORE_COMMAND_TIMEOUT_MS) {
    this.keys = sessionKeys(prefix);
  }

  save(session: StoredSession): Promise<void> {
    return this.bound(this.client.set(this.keys.session(session.token), JSON.stringify(session), { expiration: { type: 'PXAT', value: session.expiresAt } }).then(() => undefined));
  }

  remove(token: string): Promise<void> {
    return this.bound(this.client.del(this.keys.session(token)).then(() => undefined));
  }

  /** The live sessions, at most `max`. */
  async loadAll(now: number, max = MAX_RESTORED_SESSIONS): Promise<StoredSession[]> {
    const out: StoredSession[] = [];
    let cursor = '0';
    do {
      const reply = await this.bound(this.client.scan(cursor, { MATCH: this.keys.pattern, COUNT: 500 }));
      cursor = String(reply.cursor);
      if (reply.keys.length === 0) continue;
      const values = await this.bound(this.client.mGet(reply.keys));
      for (const v of values) {
        const s = v === null ? undefined : parseSession(v);
        if (s && s.expiresAt > now && out.length < max) out.push(s);
      }
    } while (cursor !== '0' && out.length < max);
    return out;
  }

  private async bound<T>(work: Promise<T>): Promise<T> {
    try {
      return await bounded(work, this.commandTimeoutMs, 'Redis (sessions)');
    } catch (err) {
      if (err instanceof ErrorReply || !(err instanceof Error)) throw err;
      throw storeUnavailable(err);
    }
  }
}

function parseSession(text: string): StoredSession | undefined {
  try {
    const s = JSON.parse(text) as Partial<StoredSession>;
    if (typeof s.token !== 'string' || typeof s.operatorId !== 'string' || typeof s.expiresAt !== 'number' || typeof s.createdAt !== 'number') return undefined;
    return { token: s.token, operatorId: s.operatorId, createdAt: s.createdAt, expiresAt: s.expiresAt, routing: s.routing !== false };
  } catch {
    return undefined; // not ours, or damaged: that sign-in is lost, the operator signs in again
  }
}
