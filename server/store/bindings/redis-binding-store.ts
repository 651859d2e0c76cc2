import { createHash } from 'node:crypto';
import { ErrorReply, type createClient } from 'redis';
import { flowKey, type Binding, type BindingChange, type BindingStore, type Flow } from './binding-store';
import { bindingKeys } from './binding-keys';
import { REMOVE_IF_FLOW, REMOVE_IF_INSTANCE, UPDATE_AOR } from './binding-scripts';
import { bounded } from '../bounded';
import { DEFAULT_STORE_COMMAND_TIMEOUT_MS, storeUnavailable } from '../redis-store';

type RedisClient = ReturnType<typeof createClient>;

/**
 * Bindings in Redis, shared by every Switchboard instance. Each call is bounded by
 * `commandTimeoutMs`; past it, it fails with ERR_STORE_UNAVAILABLE.
 */
export class RedisBindingStore implements BindingStore {
  private readonly keys: ReturnType<typeof bindingKeys>;

  constructor(private readonly client: RedisClient, prefix: string, private readonly commandTimeoutMs = DEFAULT_STORE_COMMAND_TIMEOUT_MS) {
    this.keys = bindingKeys(prefix);
  }

  update(aor: string, change: BindingChange, now: number): Promise<Binding[]> {
    return this.bound(this.doUpdate(aor, change, now));
  }

  lookup(aor: string, now: number): Promise<Binding[]> {
    return this.bound(this.doLookup(aor, now));
  }

  removeFlow(flow: Flow): Promise<number> {
    return this.bound(this.doRemoveFlow(flow));
  }

  private async bound<T>(work: Promise<T>): Promise<T> {
    try {
      return await bounded(work, this.commandTimeoutMs, 'Redis (bindings)');
    } catch (err) {
      // Redis answered with an error, or a reply did not parse: not an outage
      if (err instanceof ErrorReply || err instanceof SyntaxError || !(err instanceof Error)) throw err;
      throw storeUnavailable(err);
    }
  }

  private async doUpdate(aor: string, change: BindingChange, now: number): Promise<Binding[]> {
    const raw = await this.run(UPDATE_AOR, [this.keys.aor(aor)], [
      String(now), change.callId, String(change.cseq), change.removeAll ? '1' : '0',
      JSON.stringify(change.upsert), JSON.stringify(change.remove),
    ]);
    const live = decodeList(raw);
    for (const b of change.upsert) {
      const key = this.keys.flow(flowKey(b.flow));
      await this.client.sAdd(key, `${aor}\n${b.contact}`);
      await this.client.pExpireAt(key, b.expiresAt, 'GT').catch(() => this.client.pExpireAt(key, b.expiresAt));
      if (b.instanceId !== undefined) {
        const held = this.keys.instance(b.instanceId);
        await this.client.sAdd(held, `${aor}\n${b.contact}`);
        await this.client.pExpireAt(held, b.expiresAt, 'GT').catch(() => this.client.pExpireAt(held, b.expiresAt));
      }
    }
    return live.filter((b) => b.expiresAt > now);
  }

  private async doLookup(aor: string, now: number): Promise<Binding[]> {
    const values = await this.client.hVals(this.keys.aor(aor));
    return values.map((v) => JSON.parse(v) as Binding).filter((b) => b.expiresAt > now);
  }

  private async doRemoveFlow(flow: Flow): Promise<number> {
    const key = this.keys.flow(flowKey(flow));
    const members = await this.client.sMembers(key);
    let n = 0;
    for (const m of members) {
      const [aor, contact] = m.split('\n') as [string, string];
      n += Number(await this.run(REMOVE_IF_FLOW, [this.keys.aor(aor)], [contact, flowKey(flow)]));
    }
    await this.client.del(key);
    return n;
  }

  /** Each removal is one script (checked against the binding's own instance), so a binding re-registered meanwhile over a live instance stays. */
  async removeInstance(instanceId: string): Promise<number> {
    const key = this.keys.instance(instanceId);
    let n = 0;
    for (const m of await this.client.sMembers(key)) {
      const [aor, contact] = m.split('\n') as [string, string];
      n += Number(await this.run(REMOVE_IF_INSTANCE, [this.keys.aor(aor)], [contact, instanceId]));
      await this.client.sRem(key, m);
    }
    return n;
  }

  async close(): Promise<void> {
    // the client belongs to the caller
  }

  private readonly shas = new Map<string, string>();

  /** EVALSHA, loading the script on first use (and again after a Redis restart). */
  private async run(script: string, keys: string[], args: string[]): Promise<unknown> {
    let sha = this.shas.get(script);
    if (!sha) {
      sha = createHash('sha1').update(script).digest('hex');
      this.shas.set(script, sha);
    }
    try {
      return await this.client.evalSha(sha, { keys, arguments: args });
    } catch (err) {
      if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
      return this.client.eval(script, { keys, arguments: args });
    }
  }
}

function decodeList(raw: unknown): Binding[] {
  const list = JSON.parse(String(raw)) as unknown;
  // cjson encodes an empty Lua table as {}
  return Array.isArray(list) ? (list as string[]).map((s) => JSON.parse(s) as Binding) : [];
}
