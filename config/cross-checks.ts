/**
 * Checks that span sections: references (numbers → queues, operators → queues, overflow), duplicates
 * and port clashes. They run even when parts of the configuration are malformed (so one run reports
 * every problem), hence the defensive reading of `value`; a section that already has problems is
 * skipped where its contents would only produce follow-up noise.
 */
import type { z } from 'zod';
import { RoutingConfigSchema } from '../server/routing/config-schema';

type Ctx = z.core.$RefinementCtx<unknown>;
type Path = Array<string | number>;
type Rec = Record<string, unknown>;

const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const at = (v: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((o, k) => (isRecord(o) ? o[k] : undefined), v);

export function crossCheck(value: unknown, ctx: Ctx): void {
  const cfg = isRecord(value) ? value : {};
  const broken = (section: string) => ctx.issues.some((i) => i.path?.[0] === section);
  const add = (path: Path, message: string) => ctx.addIssue({ code: 'custom', path, message });

  if (!broken('queues') && !broken('operators')) routingChecks(cfg, add);
  referenceChecks(cfg, add);
  duplicateChecks(cfg, add);
  portChecks(cfg, add);
}

/** Queue ids unique, overflow targets known and loop-free, memberships known: the routing core's own rules. */
function routingChecks(cfg: Rec, add: (path: Path, message: string) => void): void {
  const queues = list(cfg.queues).map((q) => {
    const { announcement: _a, musicOnHold: _m, ...routing } = q as Rec;
    return routing;
  });
  const operators = list(cfg.operators).map((o) => ({ id: (o as Rec).id, skills: (o as Rec).skills, queues: (o as Rec).queues }));
  const result = RoutingConfigSchema.safeParse({ queues, operators });
  if (result.success) return;
  for (const issue of result.error.issues) add(issue.path as Path, issue.message);
}

function referenceChecks(cfg: Rec, add: (path: Path, message: string) => void): void {
  const queueIds = list(cfg.queues).map((q) => str(at(q, 'id'))).filter((id): id is string => id !== undefined);
  const known = new Set(queueIds);
  const shown = queueIds.length === 0 ? 'none defined' : queueIds.slice(0, 10).join(', ') + (queueIds.length > 10 ? ', …' : '');
  list(cfg.numbers).forEach((n, i) => {
    const queue = str(at(n, 'queue'));
    if (queue !== undefined && !known.has(queue)) add(['numbers', i, 'queue'], `expected a queue from queues (${shown}) (got "${queue}")`);
  });
}

function duplicateChecks(cfg: Rec, add: (path: Path, message: string) => void): void {
  const unique = (section: string, keys: string[], what: string) => {
    const first = new Map<string, number>();
    list(cfg[section]).forEach((item, i) => {
      const v = str(at(item, ...keys));
      if (v === undefined) return;
      const j = first.get(v);
      if (j === undefined) first.set(v, i);
      else add([section, i, ...keys], `${what} "${v}" is used twice (also ${section}[${j}])`);
    });
  };
  unique('trunks', ['id'], 'trunk id');
  unique('trunks', ['digest', 'username'], 'trunk username');
  unique('outboundTrunks', ['id'], 'outbound trunk id');
  unique('numbers', ['number'], 'number');
  unique('operators', ['sip', 'username'], 'SIP username');
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** The TCP listeners of one process must not share a port on overlapping addresses. */
function portChecks(cfg: Rec, add: (path: Path, message: string) => void): void {
  const listeners: Array<{ path: Path; address: unknown; port: unknown }> = [
    { path: ['http', 'port'], address: at(cfg, 'http', 'address') ?? '127.0.0.1', port: at(cfg, 'http', 'port') ?? 8080 },
    { path: ['sip', 'ws', 'port'], address: at(cfg, 'sip', 'ws', 'address') ?? '127.0.0.1', port: at(cfg, 'sip', 'ws', 'port') ?? 8088 },
  ];
  if (at(cfg, 'sip', 'engine', 'mode') === 'embedded') {
    listeners.push({ path: ['sip', 'engine', 'port'], address: '127.0.0.1', port: at(cfg, 'sip', 'engine', 'port') });
  }
  const seen: Array<{ path: Path; address: string; port: number }> = [];
  for (const l of listeners) {
    if (typeof l.port !== 'number' || l.port === 0 || typeof l.address !== 'string') continue;
    const clash = seen.find((s) => s.port === l.port && (s.address === l.address || WILDCARDS.has(s.address) || WILDCARDS.has(String(l.address))));
    if (clash) add(l.path, `expected a port not already used by ${clash.path.join('.')} (got ${l.port})`);
    else seen.push({ path: l.path, address: l.address, port: l.port });
  }
}
