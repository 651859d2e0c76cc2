import { createHash } from 'node:crypto';
import { ConfigSchema } from '../../config';
import { authenticate, createOperatorDirectory, defaultWsServer } from './operator-directory';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

const config = ConfigSchema.parse({
  sip: { realm: 'cc.example.com' },
  queues: [{ id: 'q', strategy: 'longest-idle' }],
  operators: [
    { id: 'ann', name: 'Ann', sip: { username: '2001', password: 's3cret' }, queues: [{ queue: 'q' }] },
    { id: 'ben', name: 'Ben', sip: { username: '2002', ha1: { md5: md5('2002:cc.example.com:h4sh').toUpperCase(), sha256: 'a'.repeat(64) } }, queues: [{ queue: 'q' }] },
  ],
});

describe('operator directory', () => {
  const directory = createOperatorDirectory(config);

  it.each([
    ['2001', 's3cret', 'ann'],
    ['2001', 's3cret ', undefined],
    ['2001', 'S3cret', undefined],
    ['2002', 'h4sh', 'ben'],
    ['2002', 's3cret', undefined],
    ['ann', 's3cret', undefined],
    ['nobody', 's3cret', undefined],
  ])('authenticates %s / %s → %s', (username, password, id) => {
    expect(authenticate(directory, username, password)?.id).toBe(id);
  });

  it('finds operators by id and by SIP username', () => {
    expect(directory.byId('ben')).toMatchObject({ name: 'Ben', sipUsername: '2002' });
    expect(directory.byUsername('2001')?.id).toBe('ann');
    expect(directory.byUsername('ann')).toBeUndefined();
  });

  it.each([
    [{}, 'ws://127.0.0.1:8088'],
    [{ ws: { address: '0.0.0.0', port: 5066 }, publicAddress: 'pbx.example.com' }, 'ws://pbx.example.com:5066'],
    [{ ws: { address: '::1', port: 8443, tls: { cert: 'c.pem', key: 'k.pem' } } }, 'wss://[::1]:8443'],
  ])('derives the SIP WebSocket URL from %j', (sip, url) => {
    expect(defaultWsServer(ConfigSchema.parse({ sip }).sip)).toBe(url);
  });

  it('takes the WebSocket URL and ICE servers it is given', () => {
    const d = createOperatorDirectory(config, { wsServer: 'wss://sip.example.com/ws', iceServers: [{ urls: 'stun:stun.example.com' }] });
    expect(d.sip).toEqual({ realm: 'cc.example.com', wsServer: 'wss://sip.example.com/ws', iceServers: [{ urls: 'stun:stun.example.com' }] });
  });
});
