import { EventEmitter } from 'node:events';

/** An event emitter whose event names and listener arguments are checked against an event map. */
export class TypedEmitter<E extends { [K in keyof E]: unknown[] }> {
  private readonly emitter = new EventEmitter();

  on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    this.emitter.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  listenerCount<K extends keyof E & string>(event: K): number {
    return this.emitter.listenerCount(event);
  }

  protected emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    return this.emitter.emit(event, ...args);
  }
}
