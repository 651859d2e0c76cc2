/**
 * Readiness: the server is ready when every part it needs answers — the SIP engine listens, the
 * media relay is up, the store answers. Each part is a probe that reports `up`, `degraded` or `down`; the
 * model asks them all and sums them up. Pure: no timers, no I/O of its own (probes do the I/O).
 */

/** `degraded`: the part works in a reduced way (e.g. records buffered while their database is away) — reported, still ready. */
export type PartState = 'up' | 'degraded' | 'down';

/** One part the server needs: answers its state (a probe may ping, so it may be async). */
export type ReadinessProbe = () => PartState | Promise<PartState>;

export interface ReadinessReport<P extends string = string> {
  ready: boolean;
  /** The server is shutting down: not ready whatever the parts say (load balancers stop sending). */
  draining?: boolean;
  parts: Record<P, PartState>;
}

/** What `/readyz` asks. */
export interface Readiness {
  check(): Promise<ReadinessReport>;
}

export interface ReadinessOptions {
  /** A probe that takes longer counts as `down`. Default 2000 ms. */
  timeoutMs?: number;
  /** True once the server drains (SIGTERM): the report is not ready and says so. */
  draining?: () => boolean;
}

/** A probe that throws or takes longer than `timeoutMs` counts as `down`. */
export function createReadiness<P extends string>(probes: Record<P, ReadinessProbe>, options: ReadinessOptions = {}): Readiness & { check(): Promise<ReadinessReport<P>> } {
  const timeoutMs = options.timeoutMs ?? 2000;
  const ask = async (probe: ReadinessProbe): Promise<PartState> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        Promise.resolve().then(probe),
        new Promise<PartState>((resolve) => {
          timer = setTimeout(() => resolve('down'), timeoutMs);
        }),
      ]);
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    async check() {
      const names = Object.keys(probes) as P[];
      const states = await Promise.all(names.map((n) => ask(probes[n])));
      const parts = Object.fromEntries(names.map((n, i) => [n, states[i]])) as Record<P, PartState>;
      if (options.draining?.()) return { ready: false, draining: true, parts };
      return { ready: states.every((s) => s !== 'down'), parts };
    },
  };
}
