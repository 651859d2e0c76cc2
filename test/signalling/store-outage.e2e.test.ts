/**
 * While the state store is known to be unavailable, the trunk ingress refuses new calls with 503 and
 * Retry-After before answering them (they could not be queued); once it is back, calls are taken again.
 */
import * as path from 'node:path';
import { loadConfig, readConfigFiles } from '../../config';
import { SipEngine } from '../../server/sip-engine/engine';
import { startSignalling, type Signalling } from '../../server/signalling/signalling';
import { refuse, STORE_UNAVAILABLE_RETRY_AFTER_SECONDS, type TrunkCall } from '../../server/signalling/ingress';
import { MemoryBindingStore } from '../../server/store/bindings/memory-binding-store';
import type { SipResponse } from '../../server/sip-engine/message/message';
import { freeSipPort } from '../support/ports';
import { stopAll } from '../support/processes';
import { UdpPeer, rawRequest } from '../sip-engine/udp-peer';

describe('trunk ingress while the state store is unavailable', () => {
  let engine: SipEngine;
  let signalling: Signalling;
  let port: number;
  let storeDown = true;
  const calls: TrunkCall[] = [];
  beforeAll(async () => {
    port = await freeSipPort();
    const config = loadConfig({}, readConfigFiles([path.join(__dirname, '../../config/demo.yaml')]));
    engine = new SipEngine({ listen: [{ protocol: 'udp', address: '127.0.0.1', port }], admin: { address: '127.0.0.1', port: 0, secret: 's' } });
    await engine.start();
    signalling = await startSignalling({
      config, drachtio: { host: '127.0.0.1', port: engine.adminPort, secret: 's' }, bindings: new MemoryBindingStore(),
      log: { info: () => undefined, warn: () => undefined },
      storeUnavailable: () => storeDown,
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

  async function invite(n: number): Promise<SipResponse> {
    const peer = await new UdpPeer().open('127.0.0.1');
    try {
      peer.send(rawRequest(peer.port, 'INVITE', { uri: `sip:100@127.0.0.1:${port}`, host: '127.0.0.1', headers: `X-Try: ${n}\r\n` }), port);
      return (await peer.waitFor((m) => m.kind === 'response' && (m as SipResponse).status >= 300, 'a final response')) as SipResponse;
    } finally {
      peer.close();
    }
  }

  it('refuses with 503 and Retry-After without handing the call on, and takes calls again once the store is back', async () => {
    const refused = await invite(1);
    expect(refused.status).toBe(503);
    expect(refused.get('Retry-After')).toBe(String(STORE_UNAVAILABLE_RETRY_AFTER_SECONDS));
    expect(calls).toHaveLength(0);
    storeDown = false;
    const taken = await invite(2);
    expect(taken.status).toBe(486); // handed to the call layer, which refused it here
    expect(calls).toHaveLength(1);
  });
});
