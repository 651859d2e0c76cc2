/** `GET /api/events`: the signed-in operator's event stream (Server-Sent Events). */
import type { Express } from 'express';
import { requireSession } from './auth-routes';
import { currentState, sessionOf, type AppContext } from './context';

export function registerEventsRoute(app: Express, ctx: AppContext): void {
  app.get('/api/events', requireSession(ctx, { allowQueryToken: true }), async (_req, res) => {
    const { token, operatorId } = sessionOf(res);
    const sendInitial = ctx.hub.open(token, operatorId, res);
    try {
      sendInitial(await currentState(ctx, operatorId));
    } catch (err) {
      // the stream is open already: say so in the log, the next change brings the state
      ctx.deps.logger?.warn({ err, operatorId }, 'event stream: initial state not sent');
    }
  });
}
