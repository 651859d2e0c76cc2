import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/** A SIP message as it crossed the relay. */
export interface RelayedMessage {
  from: 'operator' | 'caller';
  startLine: string;
  method: string | undefined;
  headers: (name: string) => string[];
  body: string;
}

function parse(raw: string): { startLine: string; headerLines: string[]; body: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const [startLine, ...headerLines] = head.split('\r\n');
  return { startLine, headerLines, body: split < 0 ? '' : raw.slice(split + 4) };
}

function headerGetter(lines: string[]) {
  return (name: string) => lines
    .filter((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase() === name.toLowerCase())
    .map((l) => l.slice(l.indexOf(':') + 1).trim());
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/**
 * A two-party SIP-over-WebSocket stand-in for the SIP engine (RFC 7118, subprotocol "sip"):
 * answers REGISTER itself with a digest challenge (MD5, qop=auth) checked against `users`, and
 * passes every other message to the other connection. Enough for one softphone and one caller.
 */
export class SipRelay {
  readonly messages: RelayedMessage[] = [];
  readonly registrations: Array<{ user: string; ok: boolean }> = [];
  private readonly wss: WebSocketServer;
  private readonly roles = new Map<WebSocket, 'operator' | 'caller'>();
  private readonly nonce = randomBytes(8).toString('hex');

  private constructor(private readonly users: Record<string, string>, private readonly realm: string) {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'sip' });
    this.wss.on('connection', (ws) => {
      this.roles.set(ws, 'caller');
      ws.on('message', (data) => this.onMessage(ws, data.toString()));
      ws.on('close', () => this.roles.delete(ws));
    });
  }

  static async start(users: Record<string, string>, realm = 'switchboard.local'): Promise<SipRelay> {
    const relay = new SipRelay(users, realm);
    await new Promise((r) => relay.wss.once('listening', r));
    return relay;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  /** Messages of `method` that the `from` side sent (requests only). */
  requests(method: string, from?: 'operator' | 'caller'): RelayedMessage[] {
    return this.messages.filter((m) => m.method === method && (from === undefined || m.from === from));
  }

  /** Closes every connection (the softphone sees its transport drop). */
  dropConnections(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise((r) => this.wss.close(r));
  }

  private onMessage(ws: WebSocket, raw: string): void {
    if (raw.trim() === '') return; // keep-alive
    const { startLine, headerLines, body } = parse(raw);
    const method = startLine.startsWith('SIP/2.0') ? undefined : startLine.split(' ')[0];
    const headers = headerGetter(headerLines);
    const role = this.roles.get(ws) ?? 'caller';
    this.messages.push({ from: role, startLine, method, headers, body });
    if (method === 'REGISTER') return this.register(ws, startLine, headerLines);
    for (const other of this.wss.clients) if (other !== ws && other.readyState === WebSocket.OPEN) other.send(raw);
  }

  private register(ws: WebSocket, startLine: string, lines: string[]): void {
    const h = headerGetter(lines);
    const auth = h('authorization')[0];
    const user = /<sips?:([^@>]+)@/.exec(h('to')[0] ?? '')?.[1] ?? '';
    if (!auth) return this.respond(ws, lines, '401 Unauthorized', [
      `WWW-Authenticate: Digest realm="${this.realm}", nonce="${this.nonce}", algorithm=MD5, qop="auth"`,
    ]);
    const p: Record<string, string> = {};
    for (const m of auth.replace(/^Digest\s+/i, '').matchAll(/(\w+)=("([^"]*)"|[^,\s]+)/g)) p[m[1]] = m[3] ?? m[2];
    const password = this.users[p.username];
    const uri = startLine.split(' ')[1];
    const expected = password === undefined ? '' : md5([
      md5(`${p.username}:${this.realm}:${password}`), p.nonce, p.nc, p.cnonce, p.qop, md5(`REGISTER:${p.uri ?? uri}`),
    ].join(':'));
    const ok = password !== undefined && p.username === user && p.nonce === this.nonce && p.response === expected;
    this.registrations.push({ user, ok });
    if (!ok) return this.respond(ws, lines, '403 Forbidden', []);
    this.roles.set(ws, 'operator');
    this.respond(ws, lines, '200 OK', h('contact').map((c) => `Contact: ${c}`));
  }

  private respond(ws: WebSocket, lines: string[], status: string, extra: string[]): void {
    const h = headerGetter(lines);
    const to = h('to')[0];
    const out = [
      `SIP/2.0 ${status}`,
      ...h('via').map((v) => `Via: ${v}`),
      `From: ${h('from')[0]}`,
      `To: ${/;tag=/.test(to) ? to : `${to};tag=relay`}`,
      `Call-ID: ${h('call-id')[0]}`,
      `CSeq: ${h('cseq')[0]}`,
      ...extra,
      'Content-Length: 0',
      '', '',
    ];
    ws.send(out.join('\r\n'));
  }
}
