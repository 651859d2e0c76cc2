/** Config of the operator's desk: call scripts per queue; remote work (HTTPS, the browsers' ICE servers). */
import { z } from 'zod';
import { FilePath, Id, Secret } from './fields';


/** A call script's Markdown is at most this long (the admin API's JSON body limit is 16 kB). */
export const MAX_SCRIPT_CHARS = 12_000;
/** At most this many scripts (one per queue). */
export const MAX_SCRIPTS = 500;
/** At most this many STUN/TURN servers handed to the page. */
export const MAX_ICE_SERVERS = 10;
/** Lifetime of TURN credentials made from a shared secret (TURN REST API convention), by default. */
export const DEFAULT_TURN_TTL_SECONDS = 12 * 3600;

const ScriptSchema = z
  .object({ queue: Id, markdown: z.string().trim().min(1, 'expected the script text (Markdown)').max(MAX_SCRIPT_CHARS) })
  .strict();
export const ScriptsSchema = z
  .array(ScriptSchema)
  .max(MAX_SCRIPTS)
  .default([])
  .superRefine((scripts, ctx) => {
    const seen = new Set<string>();
    scripts.forEach((s, i) => {
      if (seen.has(s.queue)) ctx.addIssue({ code: 'custom', path: [i, 'queue'], message: `queue "${s.queue}" has two scripts` });
      seen.add(s.queue);
    });
  });

export const HttpTlsSchema = z.object({ cert: FilePath, key: FilePath }).strict();

const IceUrl = z.string().regex(/^(stun|stuns|turn|turns):[^\s]+$/, 'expected a stun:, stuns:, turn: or turns: URL');
const IceServerSchema = z
  .object({
    urls: z.union([IceUrl, z.array(IceUrl).min(1).max(10)]),
    /** Fixed TURN credentials... */
    username: z.string().min(1).max(256).optional(),
    credential: Secret.max(256).optional(),
    /** ...or a secret shared with the TURN server: each sign-in gets credentials valid for `ttlSeconds` (TURN REST API). */
    secret: Secret.max(256).optional(),
    ttlSeconds: z.number().int().min(60).max(7 * 86_400).default(DEFAULT_TURN_TTL_SECONDS),
  })
  .strict()
  .superRefine((s, ctx) => {
    const turn = (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => u.startsWith('turn'));
    if (s.secret !== undefined && (s.username !== undefined || s.credential !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'expected either secret or username and credential, not both' });
    } else if (turn && s.secret === undefined && (s.username === undefined || s.credential === undefined)) {
      ctx.addIssue({ code: 'custom', path: [s.username === undefined ? 'username' : 'credential'], message: 'a TURN server needs username and credential (or secret)' });
    }
  });

/** What the operators' browsers use for WebRTC beyond the server's own address. */
export const WebrtcConfigSchema = z
  .object({ iceServers: z.array(IceServerSchema).max(MAX_ICE_SERVERS).default([]) })
  .strict();

/** Every script names a configured queue; an HTTPS page reaches SIP only over WSS. */
export function deskCheck(value: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  const cfg = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const queues = new Set((Array.isArray(cfg.queues) ? cfg.queues : []).map((q) => (q as { id?: unknown })?.id));
  const desk = (typeof cfg.desk === 'object' && cfg.desk !== null ? cfg.desk : {}) as { scripts?: unknown };
  (Array.isArray(desk.scripts) ? desk.scripts : []).forEach((s, i) => {
    const queue = (s as { queue?: unknown })?.queue;
    if (typeof queue === 'string' && !queues.has(queue)) ctx.addIssue({ code: 'custom', path: ['desk', 'scripts', i, 'queue'], message: `unknown queue "${queue}"` });
  });
  const http = (cfg.http ?? {}) as { tls?: unknown };
  const ws = ((cfg.sip ?? {}) as { ws?: { tls?: unknown } }).ws;
  if (http.tls !== undefined && ws?.tls === undefined) {
    ctx.addIssue({ code: 'custom', path: ['sip', 'ws', 'tls'], message: 'http.tls is set: a page served over HTTPS reaches SIP only over WSS, expected sip.ws.tls (cert and key)' });
  }
}
