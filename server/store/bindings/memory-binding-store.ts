import { flowKey, type Binding, type BindingChange, type BindingStore, type Flow } from './binding-store';

/** Bindings in this process (the embedded default). */
export class MemoryBindingStore implements BindingStore {
  private readonly byAor = new Map<string, Map<string, Binding>>();

  async update(aor: string, change: BindingChange, now: number): Promise<Binding[]> {
    let map = this.byAor.get(aor);
    if (!map) {
      map = new Map();
      this.byAor.set(aor, map);
    }
    if (change.removeAll) {
      for (const [contact, b] of map) if (!(b.callId === change.callId && b.cseq >= change.cseq)) map.delete(contact);
    }
    for (const contact of change.remove) {
      const b = map.get(contact);
      if (b && !(b.callId === change.callId && b.cseq >= change.cseq)) map.delete(contact);
    }
    for (const nb of change.upsert) {
      const b = map.get(nb.contact);
      if (b && b.callId === change.callId && b.cseq >= change.cseq) continue;
      map.set(nb.contact, nb);
    }
    return this.lookup(aor, now);
  }

  async lookup(aor: string, now: number): Promise<Binding[]> {
    const map = this.byAor.get(aor);
    if (!map) return [];
    for (const [contact, b] of map) if (b.expiresAt <= now) map.delete(contact);
    if (map.size === 0) this.byAor.delete(aor);
    return [...map.values()];
  }

  async removeFlow(flow: Flow): Promise<number> {
    const key = flowKey(flow);
    let n = 0;
    for (const [aor, map] of this.byAor) {
      for (const [contact, b] of map) {
        if (flowKey(b.flow) === key) {
          map.delete(contact);
          n++;
        }
      }
      if (map.size === 0) this.byAor.delete(aor);
    }
    return n;
  }

  async removeInstance(instanceId: string): Promise<number> {
    let n = 0;
    for (const [aor, map] of this.byAor) {
      for (const [contact, b] of map) {
        if (b.instanceId === instanceId) {
          map.delete(contact);
          n++;
        }
      }
      if (map.size === 0) this.byAor.delete(aor);
    }
    return n;
  }

  async close(): Promise<void> {
    this.byAor.clear();
  }
}
