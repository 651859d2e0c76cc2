import * as dgram from 'node:dgram';
import * as net from 'node:net';
import { loadConfig, type Config } from '../../config';
import { LocalRtpengine } from '../../media/rtpengine/local-rtpengine';
import { findBinary } from '../../media/rtpengine/find-binary';
import { startEngineWorker } from '../sip-engine';
import { configuredListeners, portClashMessage } from './port-clash';

const config = (yaml: object): Config => loadConfig({}, [{ path: 'test.yaml', text: JSON.stringify(yaml) }]);

async function takeUdp(): Promise<{ port: number; close(): void }> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return { port: s.address().port, close: () => s.close() };
}

async function takeTcp(): Promise<{ port: number; close(): void }> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { port: (s.address() as net.AddressInfo).port, close: () => s.close() };
}

/** The error a listen attempt rejects with. */
async function failureOf(start: () => Promise<unknown>): Promise<unknown> {
  try {
    const started = await start();
    await (started as { close?: () => Promise<void> } | undefined)?.close?.();
  } catch (err) {
    return err;
  }
  throw new Error('expected the listen to fail');
}

describe('portClashMessage', () => {
  it('names the HTTP port and its field for node\'s listen EADDRINUSE', async () => {
    const taken = await takeTcp();
    try {
      const err = await failureOf(() => new Promise((resolve, reject) => {
        const server = net.createServer().once('error', reject).listen(taken.port, '127.0.0.1', () => resolve({ close: () => new Promise((r) => server.close(r)) }));
      }));
      const line = portClashMessage(err, config({ http: { port: taken.port } }));
      expect(line).toBe(`switchboard: cannot listen on 127.0.0.1:${taken.port} for HTTP (softphone and API) (http.port): it is already in use by another program; `
        + 'stop that program or set http.port (SWITCHBOARD_HTTP_PORT) to a free port');
      expect(line).not.toContain('\n');
    } finally {
      taken.close();
    }
  });

  it('names the sip.listen entry when the SIP engine cannot bind its UDP port', async () => {
    const taken = await takeUdp();
    try {
      const err = await failureOf(() => startEngineWorker({ listen: [{ protocol: 'udp', address: '127.0.0.1', port: taken.port }], admin: { address: '127.0.0.1', port: 0, secret: 's' } }));
      const c = config({ sip: { listen: ['sip:127.0.0.1:5070;transport=tcp', `sip:127.0.0.1:${taken.port};transport=udp`] } });
      expect(portClashMessage(err, c)).toMatch(new RegExp(`^switchboard: cannot listen on 127\\.0\\.0\\.1:${taken.port} for SIP UDP \\(sip\\.listen\\[1\\]\\): it is already in use`));
    } finally {
      taken.close();
    }
  });

  it('names sip.ws.port when the WebSocket listener cannot listen', async () => {
    const taken = await takeTcp();
    try {
      const err = await failureOf(() => startEngineWorker({ listen: [{ protocol: 'ws', address: '127.0.0.1', port: taken.port }], admin: { address: '127.0.0.1', port: 0, secret: 's' } }));
      expect(portClashMessage(err, config({ sip: { ws: { port: taken.port } } }))).toContain('(sip.ws.port)');
    } finally {
      taken.close();
    }
  });

  (findBinary('rtpengine', process.env.PATH) ? it : it.skip)('names media.rtpengine.ngPort when rtpengine cannot open its control port', async () => {
    const taken = await takeUdp();
    try {
      const err = await failureOf(() => new LocalRtpengine({ ngPort: taken.port, portMin: 23600, portMax: 23699, pidFile: false }).start());
      const c = config({ media: { rtpengine: { mode: 'embedded', ngPort: taken.port, portMin: 23600, portMax: 23699 } } });
      expect(portClashMessage(err, c)).toContain(`127.0.0.1:${taken.port} for rtpengine's control port (media.rtpengine.ngPort)`);
    } finally {
      taken.close();
    }
  });

  it('says which port even when no configured field matches, and ignores other errors', () => {
    const err = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:45678'), { code: 'EADDRINUSE' });
    expect(portClashMessage(new Error('wrapped', { cause: err }), config({}))).toBe('switchboard: cannot listen on 127.0.0.1:45678: it is already in use by another program');
    expect(portClashMessage(new Error('ECONNREFUSED 127.0.0.1:6379'), config({}))).toBeUndefined();
    expect(portClashMessage(Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), { code: 'EACCES', address: '0.0.0.0', port: 80 }), config({ http: { address: '0.0.0.0', port: 80 } })))
      .toContain('needs privileges');
  });

  it('lists the demo\'s fixed ports with their fields', () => {
    const fields = configuredListeners(config({})).map((l) => `${l.field}=${l.port}${l.portMax ? `-${l.portMax}` : ''}`);
    expect(fields).toEqual(['sip.listen[0]=5060', 'sip.listen[0]=5060', 'sip.ws.port=8088', 'http.port=8080', 'media.rtpengine.portMin=30000-30999']);
  });
});
