/**
 * Who may read what. Roles come from `operators[].role`: an `operator` reads the calls they
 * handled; a `supervisor` reads the records and reports of the queues they belong to; an `admin`
 * reads everything.
 */
import type { Response } from 'express';
import { AppError } from '../routing';
import { sessionOf, type AppContext } from './context';
import type { Role } from './deps';

export interface Viewer {
  operatorId: string;
  role: Role;
  /** A supervisor's queues (all for an admin: undefined). */
  queues?: readonly string[];
}

export function viewerOf(ctx: AppContext, res: Response): Viewer {
  const { operatorId } = sessionOf(res);
  const account = ctx.deps.operators.byId(operatorId);
  const role = account?.role ?? 'operator';
  return role === 'admin' ? { operatorId, role } : { operatorId, role, queues: account?.queues ?? [] };
}

export function forbidden(message: string): AppError {
  return new AppError('ERR_FORBIDDEN', message);
}

/** Throws ERR_FORBIDDEN unless the viewer has one of the roles. */
export function requireRole(viewer: Viewer, ...roles: Role[]): void {
  if (!roles.includes(viewer.role)) throw forbidden(`this needs the role ${roles.join(' or ')}`);
}

/** Whether a supervisor (or admin) may see this queue. */
export function seesQueue(viewer: Viewer, queue: string): boolean {
  return viewer.role === 'admin' || (viewer.role === 'supervisor' && (viewer.queues ?? []).includes(queue));
}
