/** What the route modules share inside one app. */
import type { Response } from 'express';
import { AppError, type OperatorSnapshot } from '../routing';
import type { HttpDeps } from './deps';
import type { EventHub } from './event-hub';
import type { LoginLimiter } from './login-limiter';
import { operatorStateJson, type StateJson } from './present';
import type { Session, SessionStore } from './sessions';

export interface AppContext {
  deps: HttpDeps;
  sessions: SessionStore;
  limiter: LoginLimiter;
  hub: EventHub;
  /** Operator → the call that awaits its disposition (set when a call completes). */
  pendingDispositions: Map<string, string>;
  utcOffsetMs: number;
  /** Bearer token `/metrics` wants; undefined: open. */
  metricsToken?: string;
}

/** The operator's routing view (undefined when the acd does not know them). */
export async function currentOperator(ctx: AppContext, operatorId: string): Promise<{ op: OperatorSnapshot | undefined; at: number }> {
  const snapshot = await ctx.deps.acd.snapshot();
  return { op: snapshot.operators.find((o) => o.id === operatorId), at: snapshot.at };
}

export async function currentState(ctx: AppContext, operatorId: string): Promise<StateJson> {
  const { op, at } = await currentOperator(ctx, operatorId);
  return operatorStateJson(op, at);
}

/** The session the auth middleware attached. */
export function sessionOf(res: Response): Session {
  const session = res.locals.session as Session | undefined;
  if (!session) throw new AppError('ERR_UNAUTHORIZED', 'sign in first');
  return session;
}
