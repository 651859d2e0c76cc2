/**
 * A real SIP desk phone for tests: baresip (Debian `baresip-core`), headless. Audio from `ausine`
 * (a sine tone), no sound card: what it receives is decoded and dumped to WAV files by `sndfile`;
 * driven over `ctrl_tcp` (netstring-framed JSON commands, events back) with the `menu` commands.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freeSipPort, freeTcpPort } from '../support/ports';
import { startProcess, waitFor, type RunningProcess } from '../support/processes';

export interface BaresipOptions {
  /** One line per account: the AOR's user, password and transport towards the server. */
  accounts: Array<{ user: string; password: string; transport?: 'udp' | 'tcp' }>;
  /** The server, host:port. */
  server: string;
  realm?: string;
  /** The tone the phone sends (Hz). */
  toneHz: number;
  /** Codecs the phone offers (baresip names). Default PCMU, PCMA. */
  codecs?: string[];
}

export interface BaresipEvent {
  type: string;
  class?: string;
  accountaor?: string;
  id?: string;
  param?: string;
  [k: string]: unknown;
}

export const BARESIP = '/usr/bin/baresip';

export class Baresip {
  readonly events: BaresipEvent[] = [];
  private buffer = Buffer.alloc(0);
  private readonly pending = new Map<string, (r: { ok: boolean; data: string }) => void>();
  private token = 0;

  private constructor(readonly dir: string, readonly sipPort: number, private readonly proc: RunningProcess, private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
  }

  static async start(o: BaresipOptions): Promise<Baresip> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-baresip-'));
    const sipPort = await freeSipPort();
    const ctrlPort = await freeTcpPort();
    fs.mkdirSync(path.join(dir, 'dumps'));
    fs.writeFileSync(path.join(dir, 'config'), [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${sipPort}`,
      `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
      `audio_source ausine,${o.toneHz}`,
      'audio_player aubridge,nowhere',
      'ausrc_srate 48000',
      'ausrc_channels 2',
      'auplay_srate 48000',
      'auplay_channels 2',
      'module_path /usr/lib/baresip/modules',
      'module_app account.so',
      'module g711.so',
      'module g722.so',
      'module ausine.so',
      'module aubridge.so',
      'module sndfile.so',
      'module_app menu.so',
      'module_app ctrl_tcp.so',
      `snd_path ${path.join(dir, 'dumps')}`,
      'rtp_stats no',
      '',
    ].join('\n'));
    const codecs = (o.codecs ?? ['PCMU', 'PCMA']).join(',');
    fs.writeFileSync(path.join(dir, 'accounts'), o.accounts.map((a) =>
      `<sip:${a.user}@${o.server};transport=${a.transport ?? 'udp'}>;auth_user=${a.user};auth_pass=${a.password};answermode=manual;regint=600;audio_codecs=${codecs}`,
    ).join('\n') + '\n');
    const proc = startProcess(BARESIP, ['-f', dir], { cwd: dir });
    let socket: net.Socket | undefined;
    await waitFor(async () => {
      if (proc.child.exitCode !== null) throw new Error(`baresip exited: ${proc.output()}`);
      socket = await new Promise<net.Socket | undefined>((resolve) => {
        const s = net.connect(ctrlPort, '127.0.0.1');
        s.once('connect', () => resolve(s));
        s.once('error', () => resolve(undefined));
      });
      return socket !== undefined;
    }, 'baresip\'s ctrl_tcp port', 20_000);
    return new Baresip(dir, sipPort, proc, socket!);
  }

  /** Runs a menu command (`accept`, `hangup`, `hold`, `resume`, `sndcode`, `transfer`, …). */
  command(command: string, params = ''): Promise<{ ok: boolean; data: string }> {
    const token = String(++this.token);
    const json = Buffer.from(JSON.stringify({ command, params, token }));
    this.socket.write(Buffer.concat([Buffer.from(`${json.length}:`), json, Buffer.from(',')]));
    return new Promise((resolve) => this.pending.set(token, resolve));
  }

  /** Waits for the n-th event of `type` (1-based), optionally of one account. */
  async event(type: string, o: { n?: number; aor?: string; timeoutMs?: number } = {}): Promise<BaresipEvent> {
    const match = () => this.events.filter((e) => e.type === type && (o.aor === undefined || String(e.accountaor ?? '').includes(o.aor)));
    await waitFor(() => match().length >= (o.n ?? 1), `baresip event ${type}${o.aor ? ` of ${o.aor}` : ''} (seen: ${this.events.map((e) => e.type).join(', ')})`, o.timeoutMs ?? 20_000);
    return match()[(o.n ?? 1) - 1]!;
  }

  /** Samples (mono, at the dump's own rate) of what the phone received and decoded, from sndfile's dump. */
  receivedAudio(): { samples: Int16Array; rate: number } {
    const file = fs.readdirSync(path.join(this.dir, 'dumps')).filter((f) => f.endsWith('-dec.wav')).sort().at(-1);
    if (!file) return { samples: new Int16Array(0), rate: 8000 };
    const buf = fs.readFileSync(path.join(this.dir, 'dumps', file));
    // a WAV still being written has no final sizes: read the format, then everything after the header
    const rate = buf.length >= 28 ? buf.readUInt32LE(24) : 8000;
    const channels = buf.length >= 24 ? buf.readUInt16LE(22) : 1;
    const data = buf.subarray(Math.min(44, buf.length));
    const all = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + (data.length & ~1)));
    if (channels === 1) return { samples: all, rate };
    const mono = new Int16Array(Math.floor(all.length / channels));
    for (let i = 0; i < mono.length; i++) mono[i] = all[i * channels]!;
    return { samples: mono, rate };
  }

  output(): string {
    return this.proc.output();
  }

  async stop(): Promise<void> {
    this.socket.destroy();
    await this.proc.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private onData(d: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const len = Number(this.buffer.subarray(0, colon).toString());
      if (this.buffer.length < colon + 1 + len + 1) return;
      const body = this.buffer.subarray(colon + 1, colon + 1 + len).toString();
      this.buffer = this.buffer.subarray(colon + 1 + len + 1);
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(body) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (msg.event) this.events.push(msg as BaresipEvent);
      else if (msg.response) {
        const done = this.pending.get(String(msg.token));
        this.pending.delete(String(msg.token));
        done?.({ ok: msg.ok === true, data: String(msg.data ?? '') });
      }
    }
  }
}
