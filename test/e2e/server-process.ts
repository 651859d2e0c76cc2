import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freeSipPort, freeTcpPort } from '../support/ports';
import { startProcess, waitFor, type RunningProcess } from '../support/processes';

export interface ServerProcess {
  proc: RunningProcess;
  sipPort: number;
  wsPort: number;
  httpPort: number;
  url: string;
  /** Logs in through the API (as the softphone does) and returns a bearer token. */
  login(username: string, password: string): Promise<string>;
  api<T>(token: string, pathname: string): Promise<T>;
}

export interface StartServerOptions {
  /** Run in its own process group, as a shell runs a foreground job (so a test can send the group SIGINT like Ctrl-C). */
  detached?: boolean;
}

/** Starts Switchboard as users run it (`node dist/server/main.js`, demo config) on free ports. */
export async function startServer(env: Record<string, string> = {}, options: StartServerOptions = {}): Promise<ServerProcess> {
  const sipPort = await freeSipPort();
  // ports given in env win (a test restarting a server on the same ports)
  const wsPort = env.SWITCHBOARD_SIP_WS_PORT ? Number(env.SWITCHBOARD_SIP_WS_PORT) : await freeSipPort();
  const httpPort = env.SWITCHBOARD_HTTP_PORT ? Number(env.SWITCHBOARD_HTTP_PORT) : await freeTcpPort();
  const portMin = 20000 + ((await freeTcpPort()) % 20000);
  const proc = startProcess('node', [path.join(__dirname, '../../dist/server/main.js')], {
    env: {
      ...process.env,
      SWITCHBOARD__sip__listen: JSON.stringify([`sip:127.0.0.1:${sipPort};transport=udp,tcp`]),
      SWITCHBOARD_SIP_WS_PORT: String(wsPort),
      SWITCHBOARD_HTTP_PORT: String(httpPort),
      SWITCHBOARD__media__rtpengine: JSON.stringify({ mode: 'embedded', portMin, portMax: portMin + 199 }),
      SWITCHBOARD_LOG_LEVEL: 'warn',
      // media stays on 127.0.0.1: the browser's candidates on other interfaces are dropped
      SWITCHBOARD__media__iceAllow: JSON.stringify(['127.0.0.0/8']),
      // each server its own embedded database (the demo keeps it in ./data/records); a test restarting one passes its own
      SWITCHBOARD_RECORDS_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-records-')),
      ...env,
    },
    ...(options.detached ? { detached: true } : {}),
  });
  await waitFor(() => proc.output().includes('Switchboard is running') || proc.child.exitCode !== null, 'the server to start', 120_000); // generous: the machine running the tests may be loaded
  if (proc.child.exitCode !== null) throw new Error(`the server exited: ${proc.output()}`);
  const url = `http://127.0.0.1:${httpPort}`;
  return {
    proc, sipPort, wsPort, httpPort, url,
    async login(username, password) {
      const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      return ((await res.json()) as { token: string }).token;
    },
    async api<T>(token: string, pathname: string) {
      const res = await fetch(`${url}${pathname}`, { headers: { authorization: `Bearer ${token}` } });
      return (await res.json()) as T;
    },
  };
}
