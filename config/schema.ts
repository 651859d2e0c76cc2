/**
 * The one configuration of Switchboard. Every field, its type and its default is here or in the
 * section files it imports (desk-schema.ts, codecs-schema.ts, fields.ts); the table in
 * config/README.md is written from them. Sections are strict: an unknown field is an error.
 * Cross-field checks (references between sections, duplicates, port clashes) are in cross-checks.ts.
 */
import { z } from 'zod';
import { ID_PATTERN, OperatorConfigSchema, QueueConfigSchema } from '../server/routing/config-schema';
import { parseContact } from '../server/sip-engine/contact';
import { DEFAULT_KEEPALIVE_INTERVAL_MS, DEFAULT_KEEPALIVE_MAX_IN_FLIGHT, DEFAULT_KEEPALIVE_TIMEOUT_MS } from '../server/signalling/binding-keepalive';
import { codecsCheck, CodecsConfigSchema } from './codecs-schema';
import { crossCheck } from './cross-checks';
import { deskCheck, HttpTlsSchema, ScriptsSchema, WebrtcConfigSchema } from './desk-schema';
import { FilePath, Id, Secret } from './fields';

export * from './codecs-schema';
export * from './desk-schema';

// ---------------------------------------------------------------------------------------------
// Building blocks

const Ipv4 = z.ipv4();
const Ipv6 = z.ipv6();
const HostName = z.hostname();
const Cidr4 = z.cidrv4();
const Cidr6 = z.cidrv6();

const isHost = (v: string) => Ipv4.safeParse(v).success || Ipv6.safeParse(v).success || HostName.safeParse(v).success;
const isAddressOrRange = (v: string) =>
  Ipv4.safeParse(v).success || Ipv6.safeParse(v).success || Cidr4.safeParse(v).success || Cidr6.safeParse(v).success;

/** An IP address or a DNS name. */
const Host = z.string().refine(isHost, 'expected an IP address or host name');
/** A TCP/UDP port to connect to. */
const Port = z.number().int().min(1).max(65535);
/** A port to listen on; 0 lets the operating system pick a free one. */
const ListenPort = z.number().int().min(0).max(65535);
const Ms = z.number().int().positive();
const Seconds = z.number().int().positive();
/** A password or shared secret: never printed (see redact.ts). */
/** SIP user part of an operator or trunk (RFC 3261 `user`, kept to a safe subset). */
const SipUser = z
  .string({ error: 'expected a string (quote numeric usernames in YAML, e.g. "1001")' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.!~*'()&=+$,;?/-]{0,63}$/, 'expected 1-64 characters of a SIP user name');
/** The bundled audio assets (media/assets.ts). */
export const ASSETS = ['musicOnHold', 'allOperatorsBusy', 'ringBack'] as const;
const Asset = z.enum(ASSETS);

/**
 * Digest algorithms offered to a device, in the order of the challenges (RFC 8760). Many phones answer
 * only the first challenge, and some only MD5: MD5 first unless the devices are known to pick SHA-256.
 */
const DigestPolicy = z
  .array(z.enum(['md5', 'sha-256'], { error: 'expected md5 or sha-256' }))
  .min(1, 'expected at least one of md5, sha-256')
  .refine((l) => new Set(l).size === l.length, 'expected each algorithm at most once');

const SipContact = z.string().superRefine((contact, ctx) => {
  try {
    parseContact(contact);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `expected a contact like sip:127.0.0.1:5060;transport=udp,tcp (${(err as Error).message})` });
  }
});

// ---------------------------------------------------------------------------------------------
// sip

const WsSchema = z
  .object({
    address: Host.default('127.0.0.1'),
    port: ListenPort.default(8088),
    /** Both set: the listener is WSS (TLS); absent: plain WS. */
    tls: z.object({ cert: FilePath, key: FilePath }).partial().strict().optional(),
  })
  .strict()
  .superRefine((ws, ctx) => {
    if (!ws.tls) return;
    if (!ws.tls.cert) ctx.addIssue({ code: 'custom', path: ['tls', 'cert'], message: 'wss needs both cert and key: expected a certificate file path' });
    if (!ws.tls.key) ctx.addIssue({ code: 'custom', path: ['tls', 'key'], message: 'wss needs both cert and key: expected a private key file path' });
  });

const EngineSchema = z
  .discriminatedUnion('mode', [
    z
      .object({
        mode: z.literal('embedded').default('embedded'),
        /** drachtio admin port on 127.0.0.1; 0 = a free port. */
        port: ListenPort.default(0),
        /** Admin secret; generated at start when absent. */
        secret: Secret.optional(),
      })
      .strict(),
    z.object({ mode: z.literal('drachtio'), host: Host, port: Port.default(9022), secret: Secret }).strict(),
  ])
  .prefault({});

const RegistrarSchema = z
  .object({ minExpires: Seconds.default(60), maxExpires: Seconds.default(3600), defaultExpires: Seconds.default(600) })
  .strict()
  .superRefine((r, ctx) => {
    if (r.minExpires > r.maxExpires) ctx.addIssue({ code: 'custom', path: ['maxExpires'], message: `expected at least minExpires (${r.minExpires}) (got ${r.maxExpires})` });
    else if (r.defaultExpires < r.minExpires || r.defaultExpires > r.maxExpires) {
      ctx.addIssue({ code: 'custom', path: ['defaultExpires'], message: `expected between minExpires and maxExpires (${r.minExpires}-${r.maxExpires}) (got ${r.defaultExpires})` });
    }
  });

/**
 * Keep-alive probes (OPTIONS) of devices reached over connections: registered bindings over WS, WSS,
 * TCP and TLS, and operators' answered calls (in-dialog). Needed where the SIP engine gives no notice
 * that a connection closed (a real drachtio-server): `auto` runs them with `engine.mode: drachtio` only.
 */
const KeepAliveSchema = z
  .object({
    mode: z.enum(['auto', 'on', 'off']).default('auto'),
    intervalMs: z.number().int().min(200).max(3_600_000).default(DEFAULT_KEEPALIVE_INTERVAL_MS),
    timeoutMs: z.number().int().min(100).max(60_000).default(DEFAULT_KEEPALIVE_TIMEOUT_MS),
    maxInFlight: z.number().int().min(1).max(10_000).default(DEFAULT_KEEPALIVE_MAX_IN_FLIGHT),
  })
  .strict();

const AuthLimiterSchema = z
  .object({ maxFailures: z.number().int().positive().default(10), windowMs: Ms.default(60_000), coolDownMs: Ms.default(300_000) })
  .strict();

/**
 * What one source address may send the SIP engine (checked before parsing). Trunks' `allow`
 * addresses and `trusted` are exempt from the rate and the connection cap.
 */
const PerSourceLimitsSchema = z
  .object({
    /** Requests per second one source may send on average; over it (bucket empty) it is ignored for blockSeconds. */
    requestsPerSecond: z.number().int().min(1).max(100_000).default(20),
    /** Requests one source may send at once (the token bucket's size). */
    burst: z.number().int().min(1).max(1_000_000).default(40),
    /** How long a source over its rate is ignored: its requests are dropped without a response. */
    blockSeconds: Seconds.max(86_400).default(10),
    /** TCP, TLS and WebSocket connections one source address may hold open at once; more are closed at once. */
    maxConnections: z.number().int().min(1).max(1_000_000).default(100),
    /** A TCP/TLS message (or a WebSocket handshake) not complete this long after its first byte: the connection is closed. */
    incompleteMessageSeconds: Seconds.max(3600).default(10),
    /** Addresses or CIDR ranges exempt like trunks (an office of operators behind one NAT address, a digest-only trunk's address). */
    trusted: z.array(z.string().refine(isAddressOrRange, 'expected an IP address or CIDR range, e.g. 10.1.0.0/16')).default([]),
  })
  .strict();

/** Limits on what one SIP request may ask of us; each refusal counts in switchboard_limit_trips_total. */
const SipLimitsSchema = z
  .object({
    /** m-lines in an INVITE's SDP from a trunk; more: 488 before any media is allocated. */
    maxMediaLines: z.number().int().min(1).max(64).default(4),
    /** Contacts in one REGISTER; more: 403, nothing stored. */
    maxContactsPerRegister: z.number().int().min(1).max(100).default(10),
    /** Live bindings (devices) per operator; a new one beyond it replaces the one expiring soonest. */
    maxBindingsPerOperator: z.number().int().min(1).max(100).default(10),
    perSource: PerSourceLimitsSchema.prefault({}),
  })
  .strict();

/**
 * SIP over TLS (RFC 3261 §26): the certificate and key of `transport=tls` listeners, the CA trusted
 * when we connect to a TLS trunk, verification of trunks' certificates (on by default) and the hosts
 * exempted from it.
 */
const SipTlsSchema = z
  .object({
    cert: FilePath,
    key: FilePath,
    ca: FilePath.optional(),
    verifyPeer: z.boolean().default(true),
    noVerify: z.array(z.string().min(1)).max(100).default([]),
  })
  .strict();

/** Session timers (RFC 4028) as the SIP engine runs them. */
const SessionTimersSchema = z
  .object({
    /** The smallest Session-Expires accepted (Min-SE), seconds; less gets 422. RFC 4028's floor is 90. */
    minSE: z.number().int().min(90).max(86_400).default(90),
    /** Who refreshes when the caller names nobody and the app says nothing; `none` runs no timer. */
    defaultRefresher: z.enum(['uac', 'uas', 'none']).default('none'),
  })
  .strict();

export const SipConfigSchema = z
  .object({
    listen: z.array(SipContact).min(1).default(['sip:127.0.0.1:5060;transport=udp,tcp']),
    tls: SipTlsSchema.optional(),
    sessionTimers: SessionTimersSchema.prefault({}),
    ws: WsSchema.prefault({}),
    publicAddress: Host.optional(),
    realm: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'expected a domain-like realm, e.g. switchboard.example.com').default('switchboard.local'),
    /** Digest challenges offered to operators' devices, in order (each operator may have its own). */
    digest: DigestPolicy.default(['md5']),
    engine: EngineSchema,
    registrar: RegistrarSchema.prefault({}),
    keepAlive: KeepAliveSchema.prefault({}),
    authLimiter: AuthLimiterSchema.prefault({}),
    limits: SipLimitsSchema.prefault({}),
  })
  .strict()
  .superRefine((sip, ctx) => {
    const tlsListener = sip.listen.findIndex((c) => /;\s*transport=[^;]*\btls\b/i.test(c) || /^sips:/i.test(c));
    // (a drachtio-server has its own TLS settings)
    if (tlsListener !== -1 && !sip.tls && sip.engine.mode === 'embedded') {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: `listen[${tlsListener}] is a TLS listener: expected tls.cert and tls.key (PEM file paths)` });
    }
  });

// ---------------------------------------------------------------------------------------------
// http

export const HttpConfigSchema = z
  .object({
    address: Host.default('127.0.0.1'),
    port: ListenPort.default(8080),
    publicUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    sessionTtlMs: Ms.default(8 * 3600_000),
    /** HTTPS for the softphone and the API (remote operators: browsers give the microphone only to secure pages). */
    tls: HttpTlsSchema.optional(),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// media

const RtpengineSchema = z
  .discriminatedUnion('mode', [
    z
      .object({ mode: z.literal('embedded').default('embedded'), portMin: Port.default(30000), portMax: Port.default(30999), ngPort: ListenPort.optional() })
      .strict(),
    z.object({ mode: z.literal('external'), host: Host, port: Port }).strict(),
  ])
  .superRefine((r, ctx) => {
    if (r.mode !== 'embedded') return;
    if (r.portMin >= r.portMax) ctx.addIssue({ code: 'custom', path: ['portMax'], message: `expected more than portMin (${r.portMin}) (got ${r.portMax})` });
    else if (r.ngPort && r.ngPort >= r.portMin && r.ngPort <= r.portMax) {
      ctx.addIssue({ code: 'custom', path: ['ngPort'], message: `expected a port outside the RTP range ${r.portMin}-${r.portMax} (got ${r.ngPort})` });
    }
  })
  .prefault({});

export const MediaConfigSchema = z
  .object({
    rtpengine: RtpengineSchema,
    recording: z.object({ enabled: z.boolean().default(false), dir: FilePath.default('./recordings') }).strict().prefault({}),
    musicOnHold: Asset.default('musicOnHold'),
    /**
     * Networks (CIDR) the operators' browsers may use for media: ICE candidates outside them are
     * dropped before the relay sees the offer. Empty (default): every candidate is kept.
     */
    iceAllow: z.array(z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'expected a CIDR range such as 10.0.0.0/8')).default([]),
    /**
     * After the relay lost live calls (rtpengine restarted), how long to wait for it to answer
     * again: the calls are then moved to new sessions; past it they end with outcome media-lost.
     */
    recoveryTimeoutMs: Ms.default(15_000),
    /** How often to ask rtpengine which calls it still holds (finds a restart between two pings); 0: never. */
    sessionCheckMs: z.number().int().nonnegative().default(5000),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// redis

export const RedisConfigSchema = z
  .object({
    url: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' }),
    prefix: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected 1-64 characters: letters, digits, _ . : -').default('switchboard'),
    /** Time allowed for one Redis command (also one waiting for a reconnect); then it fails with ERR_STORE_UNAVAILABLE. */
    commandTimeoutMs: Ms.default(2000),
  })
  .strict();

/** Instance heartbeat defaults: refreshed every 5 s, a peer is dead 15 s after its last refresh. */
export const DEFAULT_HEARTBEAT_MS = 5000;
export const DEFAULT_INSTANCE_TTL_MS = 15_000;

export const InstanceConfigSchema = z
  .object({
    /**
     * This process in the shared store and the record store: the same id after a restart (its
     * calls left live by a crash are closed at the next start), a different one for every live
     * peer. Default: the host name.
     */
    id: z.string().regex(ID_PATTERN, 'expected 1-64 characters: letters, digits, _ . @ - (not starting with a symbol)').optional(),
    /** How often the heartbeat is refreshed; peers' heartbeats are checked at the same period. */
    heartbeatMs: z.number().int().min(100).max(60_000).default(DEFAULT_HEARTBEAT_MS),
    /** An instance whose heartbeat is older than this is dead: its calls and connections are recovered. */
    ttlMs: z.number().int().min(300).max(600_000).default(DEFAULT_INSTANCE_TTL_MS),
  })
  .strict()
  .refine((i) => i.ttlMs >= 3 * i.heartbeatMs, { path: ['ttlMs'], message: 'expected at least 3 × instance.heartbeatMs' });

// ---------------------------------------------------------------------------------------------
// records (call history, operator activity, customers: PostgreSQL)

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const RecordsConfigSchema = z
  .object({
    /** Embedded PostgreSQL (PGlite) data directory; absent (and no url): in memory, lost at exit. */
    dir: FilePath.optional(),
    /** A PostgreSQL server (shared by several instances); replaces the embedded database. */
    url: z.url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// or postgresql:// URL' }).optional(),
    /** Calls and activity older than this are deleted (checked every hour). */
    retentionDays: z.number().int().min(1).max(36_500).default(400),
    /** Writes waiting for the database at most (while it is down); beyond, new ones are dropped and counted. */
    bufferMax: z.number().int().min(10).max(10_000_000).default(10_000),
    /** The centre's IANA time zone: report buckets and days. */
    timeZone: z.string().refine(isTimeZone, 'expected an IANA time zone such as Europe/Berlin').default('UTC'),
    /** Abandons after less than this wait are counted apart (not against the service level). */
    shortAbandonSeconds: z.number().int().min(0).max(3600).default(5),
    /** Country code for national numbers (`030 …` → `+4930 …`) of customers' phones. */
    defaultCountryCode: z.string().regex(/^[1-9][0-9]{0,2}$/, 'expected 1-3 digits, e.g. "49"').optional(),
    /** Wrap-up codes operators pick from (empty: any code). */
    dispositions: z.array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1-64 characters: letters, digits, _ . -')).max(100)
      .default(['resolved', 'callback', 'escalated', 'no-action']),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.dir !== undefined && r.url !== undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: 'expected dir (embedded) or url (server), not both' });
  });

// ---------------------------------------------------------------------------------------------
// desk (what the softphone offers operators: pause reasons, wrap-up extension)

/** A pause reason operators pick; `login` and the queues' `noAnswerPause` are set by the server. */
const PauseReasonSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'expected 1-64 characters: lower-case letters, digits, _ . - (not starting with a symbol)'),
    label: z.string().trim().min(1).max(64),
  })
  .strict();

export const DEFAULT_PAUSE_REASONS = [
  { id: 'break', label: 'Break' },
  { id: 'lunch', label: 'Lunch' },
  { id: 'training', label: 'Training' },
  { id: 'after-call-admin', label: 'After-call admin' },
] as const;
/** One press of Extend adds this much wrap-up time. */
export const DEFAULT_WRAP_UP_EXTEND_SECONDS = 30;
/** A wrap-up is never extended beyond this total length (from its start). */
export const DEFAULT_WRAP_UP_MAX_TOTAL_SECONDS = 300;

export const DeskConfigSchema = z
  .object({
    pauseReasons: z.array(PauseReasonSchema).min(1).max(50).default(DEFAULT_PAUSE_REASONS.map((r) => ({ ...r })))
      .superRefine((reasons, ctx) => {
        const seen = new Set<string>();
        reasons.forEach((r, i) => {
          if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `pause reason "${r.id}" listed twice` });
          if (r.id === 'login') ctx.addIssue({ code: 'custom', path: [i, 'id'], message: '"login" is the server\'s own reason for a fresh sign-in' });
          seen.add(r.id);
        });
      }),
    wrapUp: z
      .object({
        extendSeconds: z.number().int().min(1).max(3600).default(DEFAULT_WRAP_UP_EXTEND_SECONDS),
        maxTotalSeconds: z.number().int().min(1).max(86_400).default(DEFAULT_WRAP_UP_MAX_TOTAL_SECONDS),
      })
      .strict()
      .prefault({}),
    /** Call scripts (Markdown) shown to operators beside a call of the queue. */
    scripts: ScriptsSchema,
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// trunks and numbers

export const TrunkConfigSchema = z
  .object({
    id: Id,
    /** Source IP addresses or CIDR ranges the trunk sends from. */
    allow: z.array(z.string().refine(isAddressOrRange, 'expected an IP address or CIDR range, e.g. 10.1.0.0/16')).optional(),
    digest: z.object({ username: SipUser, password: Secret }).strict().optional(),
    /** New calls per second from this trunk (a token bucket of this size); beyond: 503 with Retry-After. */
    maxCallsPerSecond: z.number().int().min(1).max(10_000).default(50),
    /** Calls from this trunk in progress at once (ringing or connected); beyond: 503 with Retry-After. */
    maxConcurrentCalls: z.number().int().min(1).max(100_000).default(500),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (!t.allow?.length && !t.digest) ctx.addIssue({ code: 'custom', message: 'expected allow (source addresses) or digest (credentials), or both' });
  });

/** `host:port` (an IPv6 address in brackets): where an outbound trunk takes calls. */
const HostPort = z.string().superRefine((v, ctx) => {
  const m = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(v);
  const host = m?.[1]?.replace(/^\[|\]$/g, '');
  if (!m || !host || !isHost(host) || Number(m[2]) < 1 || Number(m[2]) > 65535) {
    ctx.addIssue({ code: 'custom', message: 'expected host:port, e.g. 192.0.2.10:5060 or sip.carrier.example:5060' });
  }
});
const Digits = (max: number) => z.string({ error: 'expected a string of digits (quote it in YAML)' }).regex(new RegExp(`^[0-9]{1,${max}}$`), `expected 1-${max} digits`);

/**
 * A trunk calls go out through (today: transfers to external numbers). Numbers are written as the
 * operator typed them; `e164` turns national and international forms into +E.164 first, then
 * `dialPrefix` is put in front of what the INVITE's Request-URI carries.
 */
export const OutboundTrunkConfigSchema = z
  .object({
    id: Id,
    address: HostPort,
    transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
    /** Credentials for the carrier's digest challenge (401/407). */
    digest: z.object({ username: SipUser, password: Secret }).strict().optional(),
    /** The number presented as the calling party (From); absent: the original caller's number. */
    callerId: z.string({ error: 'expected a string of digits (quote it in YAML)' }).regex(/^\+?[0-9]{1,32}$/, 'expected digits with an optional leading +').optional(),
    e164: z
      .object({
        countryCode: Digits(3),
        nationalPrefix: z.string().regex(/^[0-9]{0,3}$/, 'expected 0-3 digits').default('0'),
        internationalPrefix: z.string().regex(/^[0-9]{1,4}$/, 'expected 1-4 digits').default('00'),
      })
      .strict()
      .optional(),
    dialPrefix: z.string().regex(/^[0-9+*#]{0,8}$/, 'expected up to 8 of 0-9 + * #').default(''),
    /** Calls through this trunk at once (ringing or connected); beyond, a transfer fails with 503. */
    maxConcurrentCalls: z.number().int().min(1).max(10_000).default(10),
    /** How long the far party may ring before the transfer is given up. */
    ringTimeoutMs: z.number().int().min(1000).max(300_000).default(30_000),
  })
  .strict();

export const NumberConfigSchema = z
  .object({
    number: z.string({ error: 'expected a string of digits, e.g. "100" or "+4930123456" (quote it in YAML)' }).regex(/^\+?[0-9]{1,32}$/, 'expected digits with an optional leading +'),
    queue: Id,
    ringback: z.enum(['music', 'ringing']).default('music'),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// queues and operators (the routing schemas, extended)

export const QueueSchema = QueueConfigSchema.safeExtend({ announcement: Asset.optional(), musicOnHold: Asset.optional() });

const Hex = (n: number) => z.string().regex(new RegExp(`^[0-9a-fA-F]{${n}}$`), `expected ${n} hexadecimal digits`);
const OperatorSipSchema = z
  .object({
    username: SipUser,
    password: Secret.optional(),
    /**
     * H(username:realm:password) precomputed, so no password is kept in the file; tied to sip.realm.
     * Either or both: the operator is offered only the algorithms it has an HA1 for.
     */
    ha1: z.object({ md5: Hex(32).optional(), sha256: Hex(64).optional() }).strict().optional(),
    /** This operator's digest challenges, in order; default: sip.digest. */
    digest: DigestPolicy.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.password === undefined) === (s.ha1 === undefined)) ctx.addIssue({ code: 'custom', message: 'expected exactly one of password or ha1' });
    if (s.ha1 && s.ha1.md5 === undefined && s.ha1.sha256 === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ha1'], message: 'expected md5 (32 hex digits) or sha256 (64 hex digits), or both' });
    }
    if (s.ha1 && s.digest) {
      const missing = s.digest.filter((a) => (a === 'md5' ? s.ha1!.md5 : s.ha1!.sha256) === undefined);
      if (missing.length > 0) {
        ctx.addIssue({ code: 'custom', path: ['digest'], message: `${missing.join(', ')} is listed but ha1.${missing[0] === 'md5' ? 'md5' : 'sha256'} is not given` });
      }
    }
  });

export const OperatorSchema = OperatorConfigSchema.safeExtend({ name: z.string().min(1).max(100), sip: OperatorSipSchema });

export const ROLES = ['operator', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What the API lets operators read: everyone is an `operator` (their own calls) unless listed here
 * as a supervisor (their queues' records and reports) or an admin (everything).
 */
export const RolesConfigSchema = z
  .object({
    supervisors: z.array(Id).default([]),
    admins: z.array(Id).default([]),
  })
  .strict();

/** Every id in `roles` is a configured operator. */
function rolesCheck(value: unknown, ctx: z.core.$RefinementCtx<unknown>): void {
  const cfg = (typeof value === 'object' && value !== null ? value : {}) as { operators?: unknown; roles?: unknown };
  const ids = new Set((Array.isArray(cfg.operators) ? cfg.operators : []).map((o) => (o as { id?: unknown })?.id));
  const roles = (typeof cfg.roles === 'object' && cfg.roles !== null ? cfg.roles : {}) as Record<string, unknown>;
  for (const key of ['supervisors', 'admins']) {
    const list = Array.isArray(roles[key]) ? (roles[key] as unknown[]) : [];
    list.forEach((id, i) => {
      if (typeof id === 'string' && !ids.has(id)) ctx.addIssue({ code: 'custom', path: ['roles', key, i], message: `unknown operator "${id}"` });
    });
  }
}

// ---------------------------------------------------------------------------------------------
// the whole

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export const ConfigSchema = z
  .object({
    sip: SipConfigSchema.prefault({}),
    http: HttpConfigSchema.prefault({}),
    media: MediaConfigSchema.prefault({}),
    /** Absent: state is kept in memory (one process). */
    redis: RedisConfigSchema.optional(),
    instance: InstanceConfigSchema.prefault({}),
    trunks: z.array(TrunkConfigSchema).default([]),
    /** Trunks for calls out; a transfer to a number uses the first. */
    outboundTrunks: z.array(OutboundTrunkConfigSchema).max(100).default([]),
    numbers: z.array(NumberConfigSchema).default([]),
    queues: z.array(QueueSchema).default([]),
    operators: z.array(OperatorSchema).default([]),
    roles: RolesConfigSchema.prefault({}),
    records: RecordsConfigSchema.prefault({}),
    desk: DeskConfigSchema.prefault({}),
    codecs: CodecsConfigSchema.prefault({}),
    webrtc: WebrtcConfigSchema.prefault({}),
    logging: z
      .object({
        level: z.enum(LOG_LEVELS).default('info'),
        /** Log lines per minute about refused or bad input from one source and kind; the rest are counted, then summarised. */
        badInputPerMinute: z.number().int().min(1).max(100_000).default(10),
      })
      .strict()
      .prefault({}),
    /** Running the process: on SIGTERM new calls are refused and active ones get this long to finish. */
    ops: z
      .object({
        drainTimeoutMs: z.number().int().min(0).max(3_600_000).default(60_000),
        /** When set, `GET /metrics` wants `Authorization: Bearer <metricsToken>` (401 otherwise). */
        metricsToken: z.string({ error: 'expected a string' }).min(16, 'expected at least 16 characters').optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  // runs even when some sections are malformed, so one run lists every problem
  .superRefine(crossCheck, { when: () => true })
  .superRefine(rolesCheck, { when: () => true })
  .superRefine(codecsCheck, { when: () => true })
  .superRefine(deskCheck, { when: () => true });

/** The validated configuration, every default filled in. */
export type Config = z.output<typeof ConfigSchema>;
/** What a configuration file may contain (everything with a default is optional). */
export type ConfigInput = z.input<typeof ConfigSchema>;
export type SipConfig = Config['sip'];
export type HttpConfig = Config['http'];
export type MediaConfig = Config['media'];
export type RedisConfig = NonNullable<Config['redis']>;
export type TrunkConfig = Config['trunks'][number];
export type OutboundTrunkConfig = Config['outboundTrunks'][number];
export type NumberConfig = Config['numbers'][number];
export type QueueSettings = Config['queues'][number];
export type OperatorSettings = Config['operators'][number];
export type RecordsConfig = Config['records'];
export type DeskConfig = Config['desk'];
export type CodecsConfig = Config['codecs'];
export type WebrtcConfig = Config['webrtc'];
export type LogLevel = (typeof LOG_LEVELS)[number];
