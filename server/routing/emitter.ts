/** A small typed event emitter (routing imports no node modules). Listener errors propagate. */
export class TypedEmitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  on<K extends keyof Events>(name: K, listener: (payload: Events[K]) => void): this {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (payload: never) => void);
    return this;
  }

  off<K extends keyof Events>(name: K, listener: (payload: Events[K]) => void): this {
    this.listeners.get(name)?.delete(listener as (payload: never) => void);
    return this;
  }

  protected emit<K extends keyof Events>(name: K, payload: Events[K]): void {
    const set = this.listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) (listener as (p: Events[K]) => void)(payload);
  }

  protected removeAllListeners(): void {
    this.listeners.clear();
  }
}
