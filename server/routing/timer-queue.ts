/**
 * Due times by key, popped in (due, key) order: the order Redis gives a sorted set with the due
 * time as score. Setting a key again moves it; stale heap entries are skipped lazily.
 */
export class TimerQueue {
  private readonly due = new Map<string, number>();
  private heap: Array<[number, string]> = [];

  get size(): number {
    return this.due.size;
  }

  get(key: string): number | undefined {
    return this.due.get(key);
  }

  set(key: string, at: number): void {
    if (this.due.get(key) === at) return;
    this.due.set(key, at);
    this.push([at, key]);
  }

  delete(key: string): void {
    this.due.delete(key);
    if (this.heap.length > 64 && this.heap.length > 4 * this.due.size) this.rebuild();
  }

  /** The earliest live timer, without removing it. */
  peek(): { key: string; at: number } | undefined {
    for (;;) {
      const top = this.heap[0];
      if (!top) return undefined;
      if (this.due.get(top[1]) === top[0]) return { key: top[1], at: top[0] };
      this.pop();
    }
  }

  /** Removes and returns the earliest timer due at or before `now`. */
  popDue(now: number): { key: string; at: number } | undefined {
    const top = this.peek();
    if (!top || top.at > now) return undefined;
    this.pop();
    this.due.delete(top.key);
    return top;
  }

  entries(): Array<{ key: string; at: number }> {
    return [...this.due].map(([key, at]) => ({ key, at })).sort((a, b) => less([a.at, a.key], [b.at, b.key]) ? -1 : 1);
  }

  private rebuild(): void {
    this.heap = [];
    for (const [key, at] of this.due) this.push([at, key]);
  }

  private push(entry: [number, string]): void {
    const h = this.heap;
    h.push(entry);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(h[i] as [number, string], h[parent] as [number, string])) break;
      [h[i], h[parent]] = [h[parent] as [number, string], h[i] as [number, string]];
      i = parent;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (!last || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l] as [number, string], h[m] as [number, string])) m = l;
      if (r < h.length && less(h[r] as [number, string], h[m] as [number, string])) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m] as [number, string], h[i] as [number, string]];
      i = m;
    }
  }
}

function less(a: [number, string], b: [number, string]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}
