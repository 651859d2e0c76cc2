import { InvalidStateError, RoutingEngine, type AcdCommand, type AcdStateView, type AcdStore, type CallRecord, type CommandContext, type RoutingConfig, type RoutingEvent } from '../routing';

/** The embedded default: the routing engine's state in this process. Commands run one at a time. */
export class MemoryAcdStore implements AcdStore {
  private readonly engine = new RoutingEngine();
  private closed = false;

  async configure(config: RoutingConfig, now: number): Promise<void> {
    this.assertOpen();
    this.engine.configure(config, now);
  }

  async execute(command: AcdCommand, ctx: CommandContext): Promise<RoutingEvent[]> {
    this.assertOpen();
    return this.engine.execute(command, ctx);
  }

  async tick(ctx: CommandContext): Promise<RoutingEvent[]> {
    this.assertOpen();
    return this.engine.tick(ctx);
  }

  async read(scope: { queueIds?: string[] } = {}): Promise<AcdStateView> {
    this.assertOpen();
    return this.engine.view(scope);
  }

  async readCall(callId: string): Promise<CallRecord | undefined> {
    this.assertOpen();
    return this.engine.callRecord(callId);
  }

  async expiredInstances(now: number): Promise<string[]> {
    this.assertOpen();
    return this.engine.expiredInstances(now);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidStateError('the memory store is closed');
  }
}
