/** Trunk ingress with the demo configuration: number → queue, unknown numbers and sources refused. */
import * as path from 'node:path';
import { loadConfig, readConfigFiles } from '../../config';
import { SipEngine } from '../../server/sip-engine/engine';
import { startSignalling, type Signalling } from '../../server/signalling/signalling';
import { refuse, type TrunkCall } from '../../server/signalling/ingress';
import { MemoryBindingStore } from '../../server/store/bindings/memory-binding-store';
import type { SipResponse } from '../../server/sip-engine/message/message';
import { freeSipPort } from '../support/ports';
import { assertSippPassed, runSipp } from '../support/sipp';
import { stopAll } from '../support/processes';
import { UdpPeer, rawRequest } from '../sip-engine/udp-peer';

describe('trunk ingress (demo configuration)', () => {
  let engine: SipEngine;
  let signalling: Signalling;
  let port: number;
  const calls: TrunkCall[] = [];
  beforeAll(async () => {
    port = await freeSipPort();
    const config = loadConfig({}, readConfigFiles([path.join(__dirname, '../../config/demo.yaml')]));
    engine = new SipEngine({ listen: [{ protocol: 'udp', address: '127.0.0.1', port }], admin: { address: '127.0.0.1', port: 0, secret: 's' } });
    await engine.start();
    signalling = await startSignalling({
      config, drachtio: { host: '127.0.0.1', port: engine.adminPort, secret: 's' }, bindings: new MemoryBindingStore(),
      log: { info: () => undefined, warn: () => undefined },
      onCall: (call) => {
        calls.push(call);
        refuse(call.res, 'queue-full');
      },
    });
  });
  afterAll(async () => {
    await stopAll();
    signalling.close();
    await engine.close();
  });

  it('hands a call to number 100 from the allowed trunk to the call layer with its queue', async () => {
    const run = await runSipp({ scenario: 'uac-expect-status', remote: `127.0.0.1:${port}`, transport: 'u1', service: '100', keys: { status: 486, caller: '4930123' } });
    assertSippPassed(await run.done(), 1);
    expect(calls.map((c) => ({ trunkId: c.trunkId, number: c.number, queue: c.queue, caller: c.caller }))).toEqual([
      { trunkId: 'local', number: '100', queue: 'support', caller: '4930123' },
    ]);
  });

  it('answers 404 for a number it does not serve', async () => {
    const run = await runSipp({ scenario: 'uac-expect-status', remote: `127.0.0.1:${port}`, transport: 'u1', service: '999', keys: { status: 404 } });
    assertSippPassed(await run.done(), 1);
  });

  it('answers 403 to a source no trunk allows', async () => {
    const peer = await new UdpPeer().open('127.0.0.2');
    try {
      peer.send(rawRequest(peer.port, 'INVITE', { uri: `sip:100@127.0.0.1:${port}`, host: '127.0.0.2' }), port);
      await peer.waitFor((m) => m.kind === 'response' && (m as SipResponse).status === 403, '403');
    } finally {
      peer.close();
    }
  });
});
