/** Sign-in and sign-out, and the bearer-token middleware. */
import type { Express, Request, RequestHandler } from 'express';
import { AppError, isAppError } from '../routing';
import { currentOperator, currentState, sessionOf, type AppContext } from './context';
import { authenticate } from './operator-directory';
import { LoginBody, parse } from './validation';

/** The pause reason an operator gets at sign-in; the softphone then sets the status they pick. */
export const LOGIN_PAUSE_REASON = 'login';

function bearer(req: Request, allowQueryToken: boolean): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (match) return match[1];
  if (allowQueryToken && typeof req.query.token === 'string' && req.query.token !== '') return req.query.token;
  return undefined;
}

/** Requires a live session (`Authorization: Bearer`, or `?token=` where EventSource cannot send headers). */
export function requireSession(ctx: AppContext, options: { allowQueryToken?: boolean } = {}): RequestHandler {
  return (req, res, next) => {
    const token = bearer(req, options.allowQueryToken === true);
    const session = token === undefined ? undefined : ctx.sessions.touch(token);
    if (!session) {
      next(new AppError('ERR_UNAUTHORIZED', token === undefined ? 'sign in first: no bearer token' : 'the session is unknown or expired: sign in again'));
      return;
    }
    res.locals.session = session;
    next();
  };
}

function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

/** Logs the operator out of routing when they leave with no other session, unless a call holds them. */
export async function leaveIfIdle(ctx: AppContext, operatorId: string, token: string): Promise<void> {
  if (ctx.sessions.hasOther(operatorId, token)) return;
  const { op } = await currentOperator(ctx, operatorId);
  if (!op || (op.state !== 'available' && op.state !== 'paused' && op.state !== 'wrap-up')) return;
  await ctx.deps.acd.logout(operatorId);
}

export function registerAuthRoutes(app: Express, ctx: AppContext): void {
  const { deps } = ctx;

  app.post('/api/login', async (req, res) => {
    const address = clientAddress(req);
    const waitMs = ctx.limiter.blockedFor(address);
    if (waitMs > 0) {
      throw new AppError('ERR_TOO_MANY_ATTEMPTS', 'too many failed sign-ins from this address: try again later', {
        details: { retryAfterSeconds: Math.ceil(waitMs / 1000) },
      });
    }
    const body = parse(LoginBody, req.body, 'body');
    const account = authenticate(deps.operators, body.username, body.password);
    if (!account) {
      const blocked = ctx.limiter.fail(address);
      deps.logger?.warn({ address, username: body.username, blocked }, 'sign-in refused');
      throw new AppError('ERR_BAD_CREDENTIALS', 'wrong username or password');
    }
    ctx.limiter.succeed(address);
    const { op } = await currentOperator(ctx, account.id);
    if (body.routing && (!op || op.state === 'offline')) {
      try {
        await deps.acd.operatorLogin(account.id, { pausedReason: LOGIN_PAUSE_REASON });
      } catch (err) {
        // signed in meanwhile by another request: keep that state
        if (!isAppError(err, 'ERR_ILLEGAL_TRANSITION')) throw err;
      }
    }
    const session = ctx.sessions.create(deps.newToken(), account.id, body.routing);
    deps.logger?.info({ operatorId: account.id, address }, 'operator signed in');
    const { realm, wsServer } = deps.operators.sip;
    const iceServers = deps.operators.sip.iceServersFor?.(account.id) ?? deps.operators.sip.iceServers;
    res.json({
      token: session.token,
      operator: { id: account.id, name: account.name },
      sip: {
        uri: `sip:${account.sipUsername}@${realm}`,
        authorizationUsername: account.sipUsername,
        authorizationPassword: body.password,
        wsServer,
        ...(iceServers ? { iceServers } : {}),
      },
    });
  });

  app.post('/api/logout', requireSession(ctx), async (_req, res) => {
    const session = sessionOf(res);
    ctx.sessions.delete(session.token);
    ctx.hub.closeToken(session.token);
    if (session.routing) await leaveIfIdle(ctx, session.operatorId, session.token);
    deps.logger?.info({ operatorId: session.operatorId }, 'operator signed out');
    res.json({ state: await currentState(ctx, session.operatorId) });
  });
}
