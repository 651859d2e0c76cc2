/**
 * What can be checked of the container set-up without a Docker engine: the Dockerfile parses and
 * is multi-stage, runs as a non-root user, has a HEALTHCHECK on /healthz and copies only files that
 * exist and are in the build context; the compose file's services use valid images and document
 * their ports; and the image's start command, run here, starts the server and answers /healthz.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { parse } from 'yaml';
import { freeSipPort, freeTcpPort } from '../support/ports';
import { startProcess, stopAll, waitFor } from '../support/processes';

const ROOT = path.join(__dirname, '../..');
const dockerfile = DockerfileParser.parse(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
const instructions = dockerfile.getInstructions();
const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
/** The instructions of the last (runtime) stage. */
const runtime = instructions.slice(instructions.lastIndexOf(instructions.filter((i) => i.getKeyword() === 'FROM').at(-1)!));
/** The stage a COPY takes from (`--from=`), if any. */
const copyFrom = (i: Instruction) => (i as unknown as { getFromFlag?(): { getValue(): string | null } | null }).getFromFlag?.()?.getValue() ?? undefined;
const execForm = (i: Instruction) => JSON.parse(i.getArgumentsContent()!) as string[];

describe('Dockerfile', () => {
  it('parses without problems and has a build stage and a node:20-bookworm-slim runtime stage', () => {
    const froms = dockerfile.getFROMs();
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms.map((f) => f.getBuildStage())).toEqual(['build', 'runtime']);
    expect(`${froms.at(-1)!.getImageName()}:${froms.at(-1)!.getImageTag()}`).toBe('node:20-bookworm-slim');
    expect(instructions.every((i) => /^[A-Z]+$/.test(i.getKeyword()))).toBe(true);
  });

  it('builds with npm ci (or install) and npm run build, and ships production dependencies only', () => {
    const build = instructions.slice(0, instructions.indexOf(runtime[0]!)).filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent());
    expect(build).toEqual(expect.arrayContaining(['npm ci || npm install', 'npm run build']));
    const run = runtime.filter((i) => i.getKeyword() === 'RUN').map((i) => i.getArgumentsContent() ?? '').join('\n');
    expect(run).toMatch(/--omit=dev/);
    expect(run).toMatch(/apt-get install[^\n]*rtpengine-daemon/);
    expect(runtime.filter((i) => i.getKeyword() === 'COPY' && copyFrom(i) === 'build').length).toBeGreaterThan(0);
  });

  it('runs as a non-root user', () => {
    const users = runtime.filter((i) => i.getKeyword() === 'USER');
    expect(users).toHaveLength(1);
    expect(args(users[0]!)[0]).not.toMatch(/^(root|0)(:|$)/);
    // the user comes after every RUN (nothing runs as root afterwards)
    expect(runtime.indexOf(users[0]!)).toBeGreaterThan(Math.max(...runtime.filter((i) => i.getKeyword() === 'RUN').map((i) => runtime.indexOf(i))));
  });

  it('has a HEALTHCHECK hitting /healthz and starts node dist/server/main.js', () => {
    const health = runtime.filter((i) => i.getKeyword() === 'HEALTHCHECK');
    expect(health).toHaveLength(1);
    expect(health[0]!.getArgumentsContent()).toMatch(/CMD .*\/healthz/);
    const cmd = runtime.filter((i) => i.getKeyword() === 'CMD');
    expect(cmd).toHaveLength(1);
    expect(execForm(cmd[0]!)).toEqual(['node', 'dist/server/main.js']);
  });

  it('copies from the context only paths that exist and .dockerignore does not exclude', () => {
    const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    const sources = instructions
      .filter((i) => i.getKeyword() === 'COPY' && copyFrom(i) === undefined)
      .flatMap((i) => args(i).slice(0, -1))
      .map((s) => s.replace(/\*$/, ''));
    expect(sources.length).toBeGreaterThan(3);
    for (const s of sources) {
      expect([s, existsSync(path.join(ROOT, s))]).toEqual([s, true]);
      expect([s, ignored.some((pattern) => s === pattern || s.startsWith(`${pattern}/`))]).toEqual([s, false]);
    }
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
  });
});

interface ComposeService {
  image?: string;
  build?: unknown;
  network_mode?: string;
  profiles?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown>;
  command?: string[];
}

describe('docker-compose.yml', () => {
  const text = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
  const compose = parse(text) as { services: Record<string, ComposeService> };
  const services = compose.services;

  it('has switchboard, redis, rtpengine, and drachtio in the drachtio profile, all with valid images on the host network', () => {
    expect(Object.keys(services).sort()).toEqual(['drachtio', 'redis', 'rtpengine', 'switchboard']);
    for (const [name, s] of Object.entries(services)) {
      expect([name, s.image]).toEqual([name, expect.stringMatching(/^[a-z0-9]+(?:[._/-][a-z0-9]+)*:[\w][\w.-]{0,127}$/)]);
      expect([name, s.network_mode]).toEqual([name, 'host']);
    }
    expect(services.switchboard!.build).toBe('.');
    expect(services.drachtio!.profiles).toEqual(['drachtio']);
    expect(services.drachtio!.image).toMatch(/^drachtio\/drachtio-server:/);
    for (const dep of Object.keys(services.switchboard!.depends_on ?? {})) expect(services[dep]).toBeDefined();
  });

  it('points switchboard at the redis and rtpengine it runs, on ports that are valid and documented', () => {
    const env = services.switchboard!.environment!;
    const port = (s: string) => Number(/:(\d+)$/.exec(s)?.[1]);
    const ports = {
      http: Number(env.SWITCHBOARD_HTTP_PORT), ws: Number(env.SWITCHBOARD_SIP_WS_PORT),
      redis: port(env.SWITCHBOARD_REDIS_URL!), ng: port(env.SWITCHBOARD_RTPENGINE!),
    };
    for (const [name, p] of Object.entries(ports)) expect([name, Number.isInteger(p) && p > 0 && p < 65536]).toEqual([name, true]);
    expect(services.redis!.command).toEqual(expect.arrayContaining([String(ports.redis)]));
    expect(services.rtpengine!.command).toEqual(expect.arrayContaining([`--listen-ng=127.0.0.1:${ports.ng}`]));
    const min = Number(services.rtpengine!.command!.find((a) => a.startsWith('--port-min='))!.split('=')[1]);
    const max = Number(services.rtpengine!.command!.find((a) => a.startsWith('--port-max='))!.split('=')[1]);
    expect(min).toBeLessThan(max);
    for (const p of [ports.http, ports.ws, ports.redis, ports.ng, 5060, 9022]) expect(text).toMatch(new RegExp(`#\\s+${p}[/-]`));
    expect(text).toContain(`${min}-${max}/udp`);
  });
});

describe('the image start command', () => {
  afterAll(async () => stopAll());

  it('starts the server from the build with the demo config; /healthz and the HEALTHCHECK command answer', async () => {
    const cmd = execForm(runtime.find((i) => i.getKeyword() === 'CMD')!);
    const [sipPort, wsPort, httpPort] = [await freeSipPort(), await freeSipPort(), await freeTcpPort()];
    const portMin = 20000 + ((await freeTcpPort()) % 20000);
    const proc = startProcess(cmd[0]!, cmd.slice(1), {
      cwd: ROOT,
      env: {
        ...process.env,
        SWITCHBOARD_CONFIG: 'config/demo.yaml',
        SWITCHBOARD_SIP_LISTEN: `sip:127.0.0.1:${sipPort};transport=udp,tcp`,
        SWITCHBOARD_SIP_WS_PORT: String(wsPort),
        SWITCHBOARD_HTTP_PORT: String(httpPort),
        SWITCHBOARD__media__rtpengine: JSON.stringify({ mode: 'embedded', portMin, portMax: portMin + 99 }),
        SWITCHBOARD_LOG_LEVEL: 'warn',
        // its own embedded database: the demo's ./data/records may be open in another test's server
        SWITCHBOARD_RECORDS_DIR: mkdtempSync(path.join(tmpdir(), 'switchboard-container-records-')),
      },
    });
    await waitFor(() => proc.output().includes('Switchboard is running') || proc.child.exitCode !== null, 'the server to start', 30_000);
    if (proc.child.exitCode !== null) throw new Error(`the server exited with ${proc.child.exitCode}:\n${proc.output()}`);
    const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
    expect([res.status, await res.json()]).toEqual([200, { status: 'ok' }]);
    // the HEALTHCHECK's own command passes against it
    const probe = JSON.parse(/CMD (\[.*\])\s*$/s.exec(runtime.find((i) => i.getKeyword() === 'HEALTHCHECK')!.getArgumentsContent()!)![1]!) as string[];
    const check = startProcess(probe[0]!, probe.slice(1), { env: { ...process.env, SWITCHBOARD_HTTP_PORT: String(httpPort) } });
    await expect(check.exited).resolves.toBe(0);
    await proc.stop();
    await expect(proc.exited).resolves.toBe(0);
  });
});
