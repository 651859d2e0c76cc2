import { TypedEmitter } from '../routing';
import type { ServerEvents } from './deps';

/** The server's event bus for the event stream: the calls layer raises `call`, anyone may raise `operator-state`. */
export class ServerEventBus extends TypedEmitter<ServerEvents> {
  override emit<K extends keyof ServerEvents>(name: K, payload: ServerEvents[K]): void {
    super.emit(name, payload);
  }
}
