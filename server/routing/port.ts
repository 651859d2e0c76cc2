import type { AcdCommand, AcdStateView, CallRecord, CommandContext, RoutingConfig, RoutingEvent } from './types';

/**
 * The state port of the ACD. An adapter executes each command as one atomic unit against its
 * state and returns the events it produced; the in-memory and Redis adapters live in server/store
 * and pass one conformance suite.
 */
export interface AcdStore {
  /** Adds or replaces queues and operators; the merged configuration must stay valid. */
  configure(config: RoutingConfig, now: number): Promise<void>;
  execute(command: AcdCommand, ctx: CommandContext): Promise<RoutingEvent[]>;
  /** Runs every timer due at ctx.now. */
  tick(ctx: CommandContext): Promise<RoutingEvent[]>;
  /** The state, or only the given queues with their member operators and calls. */
  read(scope?: { queueIds?: string[] }): Promise<AcdStateView>;
  readCall(callId: string): Promise<CallRecord | undefined>;
  /** Instances whose heartbeat (command `heartbeat`) ran out before `now`. */
  expiredInstances(now: number): Promise<string[]>;
  close(): Promise<void>;
}
