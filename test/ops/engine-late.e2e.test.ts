/**
 * Start-up in drachtio mode with nothing listening yet: the server starts, logs that it waits for
 * drachtio-server, answers /readyz 503 naming sip, and once a drachtio-compatible engine comes up
 * (the standalone SIP engine) it connects, answers 200, and an operator can register through it.
 */
import * as path from 'node:path';
import { startProcess, stopAll, waitFor } from '../support/processes';
import { freeSipPort } from '../support/ports';
import { startServer } from '../e2e/server-process';
import { startSoftphone } from '../signalling/operator-fixture';

interface ReadyBody { status: string; parts: Record<string, string> }

describe('start-up with drachtio-server not yet up', () => {
  afterAll(() => stopAll());

  it('waits with readiness 503 naming sip, then connects and serves registrations once the engine is up', async () => {
    const adminPort = await freeSipPort();
    const sipPort = await freeSipPort();
    const wsPort = await freeSipPort();
    const server = await startServer({
      SWITCHBOARD_DRACHTIO: `127.0.0.1:${adminPort}`,
      SWITCHBOARD_DRACHTIO_SECRET: 'late-secret',
      SWITCHBOARD_SIP_WS_PORT: String(wsPort),
    });
    const readyz = async () => {
      const res = await fetch(`${server.url}/readyz`);
      return { status: res.status, body: (await res.json()) as ReadyBody };
    };
    const early = await readyz();
    expect(early.status).toBe(503);
    expect(early.body.parts.sip).toBe('down');
    await waitFor(() => server.proc.output().includes(`waiting for drachtio-server at 127.0.0.1:${adminPort}`), 'the waiting log line', 30_000);
    expect(server.proc.child.exitCode).toBeNull();

    startProcess('node', [
      path.join(__dirname, '../../dist/server/sip-engine/bin.js'),
      '--contact', `sip:127.0.0.1:${sipPort};transport=udp,tcp`, '--contact', `sip:127.0.0.1:${wsPort};transport=ws`,
      '--port', String(adminPort), '--secret', 'late-secret', '--loglevel', 'warn',
    ]);
    await waitFor(async () => (await readyz()).status === 200, '/readyz to answer 200 once the engine is up', 60_000);
    expect((await readyz()).body.parts.sip).toBe('up');

    const phone = await startSoftphone('alice', 'alice-demo', wsPort);
    try {
      expect(await phone.register()).toBe(200);
    } finally {
      await phone.stop();
    }
    expect(server.proc.output()).not.toMatch(/unhandled|UnhandledPromiseRejection/i);
  }, 180_000);
});
