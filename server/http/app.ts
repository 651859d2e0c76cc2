/**
 * The express app: REST API, the operator's event stream, the softphone page. `createApp` wires
 * the routes to the deps and subscribes to the events; it does not listen (main does
 * `app.listen`). `close()` ends the event streams and the subscriptions; it is idempotent.
 */
import path from 'node:path';
import express from 'express';
import type { RoutingEvent } from '../routing';
import { leaveIfIdle, registerAuthRoutes } from './auth-routes';
import type { AppContext } from './context';
import { registerTransferRoutes } from './transfer-routes';
import type { CallNotice, HttpDeps, HttpOptions, OperatorStateNotice } from './deps';
import { errorHandler, notFound } from './errors';
import { EventHub } from './event-hub';
import { registerEventsRoute } from './events-route';
import { DEFAULT_LOGIN_LIMIT, LoginLimiter } from './login-limiter';
import { registerSupervisorRoutes } from './supervisor-routes';
import { registerConsoleRoutes } from './console-routes';
import { registerOperatorRoutes } from './operator-routes';
import { registerOpsRoutes } from './ops-routes';
import { callNoticeJson, stateJson } from './present';
import { registerCustomerRoutes } from './customer-routes';
import { registerRecordRoutes } from './record-routes';
import { registerReportRoutes } from './report-routes';
import { registerScriptRoutes } from './script-routes';
import { securityHeaders } from './security-headers';
import { SessionStore } from './sessions';

export const DEFAULT_SESSION_TTL_MS = 8 * 3_600_000;
export const DEFAULT_HEARTBEAT_MS = 15_000;

export interface HttpApp {
  app: express.Express;
  /** How many event streams are open (a gauge for ops). */
  eventStreams(): number;
  /** Ends every event stream and subscription; idempotent. The server itself is main's to close. */
  close(): void;
}

function staticHeaders(res: express.Response, file: string): void {
  const ext = path.extname(file);
  if (ext === '.js' || ext === '.mjs') res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
  if (ext === '.html') res.setHeader('Cache-Control', 'no-cache');
}

export function createApp(deps: HttpDeps, options: HttpOptions = {}): HttpApp {
  const sessions = new SessionStore(options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS, deps.now, {
    ...(options.sessionPersistence ? { persistence: options.sessionPersistence.store, initial: options.sessionPersistence.initial } : {}),
    ...(deps.logger ? { log: deps.logger } : {}),
  });
  const limiter = new LoginLimiter(options.loginLimit ?? DEFAULT_LOGIN_LIMIT, deps.now);
  const ctx: AppContext = {
    deps,
    sessions,
    limiter,
    pendingDispositions: new Map(),
    utcOffsetMs: options.utcOffsetMs ?? 0,
    ...(options.metricsToken !== undefined ? { metricsToken: options.metricsToken } : {}),
    hub: new EventHub({
      heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      keepAlive: (token) => sessions.touch(token) !== undefined,
      onTick: () => {
        limiter.sweep();
        for (const expired of sessions.sweep()) {
          ctx.hub.closeToken(expired.token);
          if (expired.routing) leaveIfIdle(ctx, expired.operatorId, expired.token).catch((err: unknown) =>
            deps.logger?.warn({ err, operatorId: expired.operatorId }, 'expired session: operator not logged out'),
          );
        }
      },
    }),
  };

  // events: the local acd's changes directly, the rest from the server's bus.
  // A wrap-up's end is not on the state event: it comes with call-completed (just before) and
  // wrap-up-extended (later), so the stream can carry the deadline for the page's countdown.
  const wrapUps = new Map<string, { since: number; endsAt: number }>();
  const onRouting = (e: RoutingEvent) => {
    if (e.type === 'operator-state') {
      const wrapUp = e.to === 'wrap-up' ? wrapUps.get(e.operatorId) : undefined;
      if (wrapUp) wrapUp.since = e.at;
      else wrapUps.delete(e.operatorId);
      ctx.hub.publishState(e.operatorId, stateJson({
        status: e.to, ...(e.reason !== undefined ? { reason: e.reason } : {}), since: e.at,
        ...(wrapUp ? { wrapUpEndsAt: wrapUp.endsAt } : {}),
      }, deps.now()));
    } else if (e.type === 'call-completed' && !e.forced) {
      ctx.pendingDispositions.set(e.operatorId, e.callId);
      if (e.wrapUpMs > 0) wrapUps.set(e.operatorId, { since: e.at, endsAt: e.at + e.wrapUpMs });
    } else if (e.type === 'wrap-up-extended') {
      const wrapUp = wrapUps.get(e.operatorId) ?? { since: e.at, endsAt: e.endsAt };
      wrapUp.endsAt = e.endsAt;
      wrapUps.set(e.operatorId, wrapUp);
      ctx.hub.publishState(e.operatorId, stateJson({ status: 'wrap-up', since: wrapUp.since, wrapUpEndsAt: e.endsAt }, deps.now()));
    } else if (e.type === 'call-answered') {
      ctx.pendingDispositions.delete(e.operatorId);
    }
  };
  const onState = (n: OperatorStateNotice) => ctx.hub.publishState(n.operatorId, stateJson(n, deps.now()));
  const onCall = (n: CallNotice) => {
    if (n.operatorId !== undefined) ctx.hub.publishCall(n.operatorId, callNoticeJson(n));
  };
  deps.acd.on('event', onRouting);
  deps.events.on('operator-state', onState);
  deps.events.on('call', onCall);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);
  app.use(securityHeaders({ wsServer: deps.operators.sip.wsServer }));
  app.use('/api', (_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(express.json({ limit: '16kb' }));

  registerAuthRoutes(app, ctx);
  registerOperatorRoutes(app, ctx);
  registerSupervisorRoutes(app, ctx);
  const consoleRoutes = registerConsoleRoutes(app, ctx, { heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS });
  registerReportRoutes(app, ctx);
  registerTransferRoutes(app, ctx);
  registerEventsRoute(app, ctx);
  registerOpsRoutes(app, ctx);
  if (deps.scripts) registerScriptRoutes(app, ctx, deps.scripts);
  if (deps.records) {
    registerRecordRoutes(app, ctx, deps.records);
    registerCustomerRoutes(app, ctx, deps.records);
  }

  app.use('/api', notFound);
  app.use(express.static(deps.softphoneDir, { index: 'index.html', setHeaders: staticHeaders }));
  app.use(notFound);
  app.use(errorHandler(deps.logger));

  let closed = false;
  return {
    app,
    eventStreams: () => ctx.hub.size + consoleRoutes.streams(),
    close() {
      if (closed) return;
      closed = true;
      deps.acd.off('event', onRouting);
      deps.events.off('operator-state', onState);
      deps.events.off('call', onCall);
      ctx.hub.close();
      consoleRoutes.close();
      sessions.clear();
    },
  };
}
