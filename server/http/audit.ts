/**
 * Records a supervisor's action with who took it: always in the log, and in `deps.audit` (the
 * record store) when there is one. The action has already happened when this runs, so a failed
 * write is logged as an error and reported to the caller (`audited: false`), never dropped quietly.
 */
import type { AppContext } from './context';
import type { SupervisorAction } from './deps';

export async function recordAction(ctx: AppContext, action: Omit<SupervisorAction, 'at'>): Promise<boolean> {
  const { deps } = ctx;
  const entry: SupervisorAction = { at: deps.now(), ...action };
  deps.logger?.info({ supervisorAction: entry }, `supervisor ${entry.by}: ${entry.action}`);
  if (!deps.audit) return true;
  try {
    await deps.audit.record(entry);
    return true;
  } catch (err) {
    deps.logger?.error({ err, supervisorAction: entry }, 'supervisor action not recorded in the audit');
    return false;
  }
}
