/**
 * Sign-in sessions: bearer tokens kept in memory. A session expires `ttlMs` after its last use
 * (every authenticated request and every event-stream heartbeat counts as use).
 */
export interface Session {
  token: string;
  operatorId: string;
  createdAt: number;
  expiresAt: number;
  /** False for a page that takes no calls (the report page): signing in or out leaves routing alone. */
  routing: boolean;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly ttlMs: number, private readonly now: () => number) {}

  create(token: string, operatorId: string, routing = true): Session {
    const at = this.now();
    const session: Session = { token, operatorId, createdAt: at, expiresAt: at + this.ttlMs, routing };
    this.sessions.set(token, session);
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
    return session;
  }

  delete(token: string): Session | undefined {
    const session = this.sessions.get(token);
    this.sessions.delete(token);
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
      }
    }
    return expired;
  }

  clear(): void {
    this.sessions.clear();
  }
}
