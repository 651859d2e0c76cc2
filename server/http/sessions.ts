/**
 * Sign-in sessions: bearer tokens kept in memory. A session expires `ttlMs` after its last use
 * (every authenticated request and every event-stream heartbeat counts as use).
 *
 * With a `persistence` (Redis, when Redis is the store), each session is also written there with
 * its expiry, and the sessions found there at start are taken back: a signed-in operator stays
 * signed in across a restart of the server. Writes are in the background (a failed one is logged;
 * the session still works in this process). Memory stays the source of truth of this process.
 */
export interface Session {
  token: string;
  operatorId: string;
  createdAt: number;
  expiresAt: number;
  /** False for a page that takes no calls (the report page): signing in or out leaves routing alone. */
  routing: boolean;
}

/** Where sessions outlive the process (the Redis session store). */
export interface SessionPersistence {
  /** Writes the session, to expire at its `expiresAt`. */
  save(session: Session): Promise<void>;
  remove(token: string): Promise<void>;
}

export interface SessionStoreOptions {
  persistence?: SessionPersistence;
  /** Sessions read from the persistence at start. */
  initial?: readonly Session[];
  log?: { warn(obj: object, msg?: string): void };
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  /** The expiry last written to the persistence, by token (a use moves it on only every tenth of the TTL). */
  private readonly saved = new Map<string, number>();

  constructor(private readonly ttlMs: number, private readonly now: () => number, private readonly options: SessionStoreOptions = {}) {
    const at = now();
    for (const s of options.initial ?? []) {
      if (s.expiresAt <= at) continue;
      this.sessions.set(s.token, { ...s });
      this.saved.set(s.token, s.expiresAt);
    }
  }

  get size(): number {
    return this.sessions.size;
  }

  create(token: string, operatorId: string, routing = true): Session {
    const at = this.now();
    const session: Session = { token, operatorId, createdAt: at, expiresAt: at + this.ttlMs, routing };
    this.sessions.set(token, session);
    this.persist(session);
    return session;
  }

  /** The live session of a token, its expiry pushed back; undefined when unknown or expired. */
  touch(token: string): Session | undefined {
    const session = this.sessions.get(token);
    if (!session) return undefined;
    const at = this.now();
    if (session.expiresAt <= at) {
      this.sessions.delete(token);
      return undefined;
    }
    session.expiresAt = at + this.ttlMs;
    if (session.expiresAt - (this.saved.get(token) ?? 0) >= this.ttlMs / 10) this.persist(session);
    return session;
  }

  delete(token: string): Session | undefined {
    const session = this.sessions.get(token);
    this.sessions.delete(token);
    this.saved.delete(token);
    const p = this.options.persistence;
    if (session && p) {
      p.remove(token).catch((err: unknown) => this.options.log?.warn({ err, operatorId: session.operatorId }, 'a signed-out session could not be removed from the session store: it expires there by itself'));
    }
    return session;
  }

  /** Whether the operator has another live session than `exceptToken` that takes calls. */
  hasOther(operatorId: string, exceptToken: string): boolean {
    const at = this.now();
    for (const s of this.sessions.values()) if (s.operatorId === operatorId && s.token !== exceptToken && s.routing && s.expiresAt > at) return true;
    return false;
  }

  /** Drops the expired sessions and returns them. */
  sweep(): Session[] {
    const at = this.now();
    const expired: Session[] = [];
    for (const s of this.sessions.values()) {
      if (s.expiresAt <= at) {
        expired.push(s);
        this.sessions.delete(s.token);
        this.saved.delete(s.token); // it expires in the persistence by itself
      }
    }
    return expired;
  }

  /** Forgets every session in this process (at shutdown); the persisted ones stay for the next start. */
  clear(): void {
    this.sessions.clear();
    this.saved.clear();
  }

  private persist(session: Session): void {
    const p = this.options.persistence;
    if (!p) return;
    this.saved.set(session.token, session.expiresAt);
    p.save({ ...session }).catch((err: unknown) => {
      this.saved.delete(session.token); // tried again at the next use
      this.options.log?.warn({ err, operatorId: session.operatorId }, 'a session could not be written to the session store: it will not survive a restart until it is');
    });
  }
}
