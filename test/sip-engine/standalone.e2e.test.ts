import * as path from 'node:path';
import Srf from 'drachtio-srf';
import { parseArgs } from '../../server/sip-engine/bin';
import { parseContact } from '../../server/sip-engine/contact';
import { freeSipPort, freeTcpPort } from '../support/ports';
import { startProcess, stopAll, waitFor } from '../support/processes';
import { startEngine } from './fixture';
import { rawRequest, UdpPeer } from './udp-peer';
import type { SipResponse } from '../../server/sip-engine/message/message';

afterEach(() => stopAll());

describe('--contact and flags named like drachtio-server', () => {
  it.each([
    ['sip:127.0.0.1:5080;transport=udp,tcp', [{ protocol: 'udp', address: '127.0.0.1', port: 5080 }, { protocol: 'tcp', address: '127.0.0.1', port: 5080 }]],
    ['sip:127.0.0.1;transport=tcp', [{ protocol: 'tcp', address: '127.0.0.1', port: 5060 }]],
    ['sip:[::1]:5070;transport=udp', [{ protocol: 'udp', address: '::1', port: 5070 }]],
  ])('parses %s', (contact, want) => {
    expect(parseContact(contact)).toEqual(want);
  });

  it.each([
    [['--contact', 'http://x'], /scheme must be sip/],
    [['--contact', 'sip:127.0.0.1;transport=carrier-pigeon'], /unknown transport carrier-pigeon/],
    [['--port', 'ninety'], /--port: expected a port number/],
    [['--loglevel', 'loud'], /--loglevel/],
    [['--secret'], /--secret needs a value/],
    [['--frobnicate', '1'], /unknown option --frobnicate/],
    [['--source-rate', '0'], /--source-rate: expected a positive whole number/],
    [['--max-connections', 'lots'], /--max-connections: expected a positive whole number/],
    [['--compat', 'asterisk'], /--compat: expected drachtio-server/],
  ])('rejects %j with a message naming the flag', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });

  it('takes --compat drachtio-server (the engine then behaves as drachtio-server where apps see it)', () => {
    expect(parseArgs(['--compat', 'drachtio-server'])).toMatchObject({ compat: 'drachtio-server' });
    expect(parseArgs([])).not.toHaveProperty('compat');
  });

  it('takes per-source limits (none on the request rate unless asked)', () => {
    expect(parseArgs([])).toMatchObject({ sourceLimits: { requestsPerSecond: Infinity, trusted: [] } });
    expect(parseArgs(['--source-rate', '20', '--source-burst', '40', '--source-block', '30', '--max-connections', '50',
      '--incomplete-timeout', '5', '--trusted', '10.0.0.0/8', '--trusted', '127.0.0.1'])).toMatchObject({
      sourceLimits: { requestsPerSecond: 20, burst: 40, blockSeconds: 30, maxConnectionsPerSource: 50, incompleteMessageSeconds: 5, trusted: ['10.0.0.0/8', '127.0.0.1'] },
    });
  });
});

describe('the engine in a worker thread', () => {
  it('serves drachtio-srf like the in-process engine', async () => {
    const fx = await startEngine({ worker: true });
    const peer = await new UdpPeer().open();
    try {
      fx.srf.use('options', (_req, res) => res.send(200));
      peer.send(rawRequest(peer.port, 'OPTIONS'), fx.sipPort);
      await peer.waitFor((m) => m.kind === 'response' && (m as SipResponse).status === 200, '200 from the worker');
      expect((await fx.stats()).dialogs).toBe(0);
    } finally {
      peer.close();
      await fx.close();
    }
  });
});

describe('switchboard-sip-engine (the bin)', () => {
  it('starts from flags, accepts drachtio-srf, answers SIP, and exits 0 on SIGTERM', async () => {
    const sipPort = await freeSipPort();
    const adminPort = await freeTcpPort();
    const bin = path.join(__dirname, '../../dist/server/sip-engine/bin.js');
    const proc = startProcess('node', [bin, '--contact', `sip:127.0.0.1:${sipPort};transport=udp`, '--port', String(adminPort), '--secret', 's3', '--loglevel', 'info']);
    await waitFor(() => proc.output().includes('listening'), 'the engine to listen');
    const srf = new Srf();
    srf.connect({ host: '127.0.0.1', port: adminPort, secret: 's3' });
    await new Promise((r) => srf.once('connect', r));
    srf.use('options', (_req, res) => res.send(200));
    const peer = await new UdpPeer().open();
    peer.send(rawRequest(peer.port, 'OPTIONS'), sipPort);
    await peer.waitFor((m) => m.kind === 'response' && (m as SipResponse).status === 200, '200');
    peer.close();
    srf.disconnect();
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  });

  it('refuses a bad flag with exit code 2 and a message', async () => {
    const bin = path.join(__dirname, '../../dist/server/sip-engine/bin.js');
    const proc = startProcess('node', [bin, '--port', 'x']);
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toContain('--port: expected a port number');
  });
});
