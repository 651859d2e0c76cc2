import * as dgram from 'node:dgram';
import { NgClient } from './ng-client';
import { decode, encode } from './bencode';
import { MediaErrorCode } from '../errors';

/** A scripted ng server on 127.0.0.1: replies with what `reply` returns, or stays silent for undefined. */
async function fakeNgServer(reply: (cmd: Record<string, unknown>, attempt: number) => object | undefined) {
  const socket = dgram.createSocket('udp4');
  const attempts = new Map<string, number>();
  socket.on('message', (msg, rinfo) => {
    const space = msg.indexOf(0x20);
    const cookie = msg.toString('latin1', 0, space);
    const n = (attempts.get(cookie) ?? 0) + 1;
    attempts.set(cookie, n);
    const out = reply(decode(msg.subarray(space + 1)) as Record<string, unknown>, n);
    if (out) socket.send(Buffer.concat([Buffer.from(`${cookie} `), encode(out as never)]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { port: socket.address().port, attempts, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

describe('NgClient', () => {
  const clients: NgClient[] = [];
  const client = (port: number, timeoutMs = 500) => {
    const c = new NgClient({ host: '127.0.0.1', port, timeoutMs, retransmitMs: 100 });
    clients.push(c);
    return c;
  };
  afterEach(() => clients.splice(0).forEach((c) => c.close()));

  it('sends the command and resolves with the decoded reply', async () => {
    const server = await fakeNgServer((cmd) => ({ result: 'ok', echo: cmd.command as string, id: cmd['call-id'] as string }));
    try {
      await expect(client(server.port).request('query', { 'call-id': 'c1' })).resolves.toEqual({ result: 'ok', echo: 'query', id: 'c1' });
    } finally {
      await server.close();
    }
  });

  it('retransmits with the same cookie until answered', async () => {
    const server = await fakeNgServer((_cmd, attempt) => (attempt >= 3 ? { result: 'pong' } : undefined));
    try {
      await expect(client(server.port).request('ping')).resolves.toEqual({ result: 'pong' });
      expect([...server.attempts.values()]).toEqual([3]);
    } finally {
      await server.close();
    }
  });

  it('turns result=error into ERR_MEDIA_RELAY_ERROR with the reason', async () => {
    const server = await fakeNgServer(() => ({ result: 'error', 'error-reason': 'Unknown call-id' }));
    try {
      await expect(client(server.port).request('query', { 'call-id': 'x' })).rejects.toMatchObject({
        code: MediaErrorCode.RelayError,
        message: expect.stringContaining('Unknown call-id'),
      });
    } finally {
      await server.close();
    }
  });

  it('times out with ERR_MEDIA_TIMEOUT when nothing answers', async () => {
    const server = await fakeNgServer(() => undefined);
    try {
      await expect(client(server.port, 300).request('ping')).rejects.toMatchObject({ code: MediaErrorCode.Timeout });
    } finally {
      await server.close();
    }
  });

  it('fails fast with ERR_MEDIA_RELAY_DOWN when the port is closed', async () => {
    const server = await fakeNgServer(() => undefined);
    const port = server.port;
    await server.close();
    const started = Date.now();
    await expect(client(port, 5000).request('ping')).rejects.toMatchObject({ code: MediaErrorCode.RelayDown });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects requests in flight on close and refuses new ones', async () => {
    const server = await fakeNgServer(() => undefined);
    try {
      const c = client(server.port, 5000);
      const inFlight = c.request('ping');
      c.close();
      c.close();
      await expect(inFlight).rejects.toMatchObject({ code: MediaErrorCode.InvalidState });
      await expect(c.request('ping')).rejects.toMatchObject({ code: MediaErrorCode.InvalidState });
    } finally {
      await server.close();
    }
  });
});
