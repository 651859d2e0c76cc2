/**
 * Every Redis key of the ACD is built here. Global records live under `<prefix>:`; a queue's
 * runtime keys share the hash tag `{q:<id>}` (prefix included), so they always sit in one slot.
 */
export class AcdKeys {
  constructor(readonly prefix: string) {
    if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(prefix)) throw new RangeError(`bad key prefix "${prefix}"`);
  }

  get operators(): string {
    return `${this.prefix}:ops`;
  }

  get calls(): string {
    return `${this.prefix}:calls`;
  }

  get queues(): string {
    return `${this.prefix}:queues`;
  }

  get timers(): string {
    return `${this.prefix}:timers`;
  }

  /** ZSET instance id → the time (ms) its heartbeat runs out. */
  get instances(): string {
    return `${this.prefix}:instances`;
  }

  /** The hash tag shared by one queue's keys. */
  queueTag(queueId: string): string {
    return `{${this.prefix}:q:${queueId}}`;
  }

  members(queueId: string): string {
    return `${this.queueTag(queueId)}:members`;
  }

  waiting(queueId: string): string {
    return `${this.queueTag(queueId)}:waiting`;
  }

  meta(queueId: string): string {
    return `${this.queueTag(queueId)}:meta`;
  }

  /** KEYS for a script: the four global keys, then members, waiting, meta of each queue in order. */
  scriptKeys(queueIds: readonly string[]): string[] {
    const keys = [this.operators, this.calls, this.queues, this.timers];
    for (const id of queueIds) keys.push(this.members(id), this.waiting(id), this.meta(id));
    return keys;
  }
}
