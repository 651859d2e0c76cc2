/**
 * The embedded rtpengine lives and dies with the server (real server from dist/, real rtpengine):
 * a SIGKILLed server leaves no rtpengine of ours behind and starts again on the same ports; Ctrl-C
 * (SIGINT to the terminal's process group) reaches only the server, which then stops rtpengine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { freeSipPort, freeTcpPort } from '../support/ports';
import { stopAll, waitFor } from '../support/processes';
import { startServer } from '../e2e/server-process';

/** Live (not zombie) rtpengine processes with this RTP port range start: ours. */
function rtpengines(portMin: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((a) => a.endsWith('rtpengine')) && args.includes(`--port-min=${portMin}`)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

function processGroup(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

async function fixedPorts(): Promise<Record<string, string>> {
  const portMin = 20000 + ((await freeTcpPort()) % 20000);
  let ngPort = await freeSipPort();
  while (ngPort >= portMin && ngPort <= portMin + 199) ngPort = await freeSipPort();
  return {
    SWITCHBOARD__sip__listen: JSON.stringify([`sip:127.0.0.1:${await freeSipPort()};transport=udp,tcp`]),
    SWITCHBOARD_SIP_WS_PORT: String(await freeSipPort()),
    SWITCHBOARD_HTTP_PORT: String(await freeTcpPort()),
    SWITCHBOARD__media__rtpengine: JSON.stringify({ mode: 'embedded', portMin, portMax: portMin + 199, ngPort }),
  };
}

const portMinOf = (env: Record<string, string>): number => (JSON.parse(env.SWITCHBOARD__media__rtpengine!) as { portMin: number }).portMin;

describe('the embedded rtpengine lives and dies with the server', () => {
  afterAll(async () => stopAll());

  it('SIGKILL of the server leaves no rtpengine; a new server starts on the same ports', async () => {
    const env = await fixedPorts();
    const portMin = portMinOf(env);
    const first = await startServer(env);
    expect(rtpengines(portMin)).toHaveLength(1);
    first.proc.child.kill('SIGKILL');
    await first.proc.exited;
    await waitFor(() => rtpengines(portMin).length === 0, 'the killed server\'s rtpengine to end', 20_000);

    const second = await startServer(env);
    expect(rtpengines(portMin)).toHaveLength(1);
    const ready = await fetch(`${second.url}/readyz`);
    expect(ready.status).toBe(200);
    await second.proc.stop();
    await waitFor(() => rtpengines(portMin).length === 0, 'rtpengine to stop with the server', 20_000);
  });

  it('Ctrl-C reaches only the server, which stops rtpengine after draining and exits 0', async () => {
    const env = await fixedPorts();
    const portMin = portMinOf(env);
    const server = await startServer(env, { detached: true });
    const [rtpengine] = rtpengines(portMin);
    expect(rtpengine).toBeDefined();
    const group = processGroup(server.proc.child.pid!);
    expect(group).toBe(server.proc.child.pid);
    expect(processGroup(rtpengine!)).not.toBe(group);
    process.kill(-group, 'SIGINT'); // what the terminal does on Ctrl-C
    await expect(server.proc.exited).resolves.toBe(0);
    expect(rtpengines(portMin)).toHaveLength(0);
  });
});
