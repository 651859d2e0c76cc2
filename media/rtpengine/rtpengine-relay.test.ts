import * as dgram from 'node:dgram';
import { RtpengineRelay } from './rtpengine-relay';
import { decode, encode } from '../ng/bencode';
import { MediaError, MediaErrorCode } from '../errors';

/** A scripted stand-in for rtpengine's ng port that records the commands it gets (`undefined` reply: silence). */
async function fakeRtpengine(reply: (cmd: Record<string, unknown>) => object | undefined) {
  const socket = dgram.createSocket('udp4');
  const commands: Record<string, unknown>[] = [];
  socket.on('message', (msg, rinfo) => {
    const space = msg.indexOf(0x20);
    const cmd = decode(msg.subarray(space + 1)) as Record<string, unknown>;
    commands.push(cmd);
    const answer = reply(cmd);
    if (!answer) return;
    socket.send(Buffer.concat([msg.subarray(0, space + 1), encode(answer as never)]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { port: socket.address().port, commands, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

const trunkSdp = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', ''].join('\r\n');
const plainBrowserSdp = trunkSdp.replace('4000 RTP/AVP', '4002 RTP/AVP');

describe('RtpengineRelay (against a scripted ng server)', () => {
  it('checks the SDP before sending anything', async () => {
    const server = await fakeRtpengine(() => ({ result: 'ok' }));
    const relay = new RtpengineRelay({ host: '127.0.0.1', port: server.port, healthCheckIntervalMs: 0 });
    try {
      await expect(relay.offer({ callId: 'c', fromTag: 'a', sdp: 'nope', from: 'trunk', to: 'browser' })).rejects.toMatchObject({ code: MediaErrorCode.SdpInvalid });
      expect(server.commands).toEqual([]);
    } finally {
      await relay.close();
      await server.close();
    }
  });

  it('refuses plain RTP towards a browser and deletes the half-made call', async () => {
    const server = await fakeRtpengine((cmd) => (cmd.command === 'offer' ? { result: 'ok', sdp: plainBrowserSdp } : { result: 'ok' }));
    const relay = new RtpengineRelay({ host: '127.0.0.1', port: server.port, healthCheckIntervalMs: 0 });
    try {
      await expect(relay.offer({ callId: 'c1', fromTag: 'a', sdp: trunkSdp, from: 'trunk', to: 'browser' })).rejects.toMatchObject({ code: MediaErrorCode.RelayError });
      expect(server.commands.map((c) => c.command)).toEqual(['offer', 'delete']);
      expect(server.commands[0]).toMatchObject({ 'transport-protocol': 'UDP/TLS/RTP/SAVPF', ICE: 'force', 'call-id': 'c1', 'from-tag': 'a' });
    } finally {
      await relay.close();
      await server.close();
    }
  });

  it('hands out its SDPs without the SSRCs copied from the other leg (it re-encodes under SSRCs of its own), and makes a browser it offers to the DTLS server', async () => {
    const browserSdp = (port: number, ssrc: number) => ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', `m=audio ${port} UDP/TLS/RTP/SAVPF 111`,
      'c=IN IP4 127.0.0.1', 'a=rtpmap:111 opus/48000/2', 'a=fingerprint:sha-256 AA:BB', 'a=setup:actpass', 'a=msid:s t',
      `a=ssrc:${ssrc} cname:x`, `a=ssrc:${ssrc} msid:s t`, 'a=sendrecv', ''].join('\r\n');
    // like rtpengine: the other leg's a=ssrc lines come back in the SDP for this leg
    const server = await fakeRtpengine((cmd) => ({ result: 'ok', sdp: String(cmd.sdp).replace(/m=audio \d+/, 'm=audio 20200') }));
    const relay = new RtpengineRelay({ host: '127.0.0.1', port: server.port, healthCheckIntervalMs: 0 });
    try {
      const offer = await relay.offer({ callId: 'c', fromTag: 'alice', sdp: browserSdp(4000, 2923637777), from: 'browser', to: 'browser' });
      expect(server.commands[0].sdp).toContain('a=ssrc:2923637777');
      expect(offer.sdp).not.toContain('a=ssrc');
      expect(offer.sdp).toContain('a=msid:s t');
      // the browser it offers to is told that rtpengine is the DTLS client: it answers passive, as every browser leg does
      expect(offer.sdp).toContain('a=setup:active');
      expect(offer.sdp).not.toContain('a=setup:actpass');
      const answer = await relay.answer({ callId: 'c', fromTag: 'alice', toTag: 'bob', sdp: browserSdp(4002, 462542546), from: 'browser', to: 'browser' });
      expect(answer.sdp).not.toContain('a=ssrc');
      const held = await relay.updateLeg({ callId: 'c', legTag: 'alice', sdp: browserSdp(4000, 2923637777).replace('a=sendrecv', 'a=sendonly'), from: 'browser' });
      expect(held.sdp).not.toContain('a=ssrc');
    } finally {
      await relay.close();
      await server.close();
    }
  });

  it('refuses to connect a leg to a call that is not parked', async () => {
    const server = await fakeRtpengine(() => ({ result: 'ok' }));
    const relay = new RtpengineRelay({ host: '127.0.0.1', port: server.port, healthCheckIntervalMs: 0 });
    try {
      await expect(relay.connectParked({ callId: 'c', legTag: 'op', sdp: trunkSdp, from: 'trunk' })).rejects.toMatchObject({ code: MediaErrorCode.NotFound });
      expect(server.commands).toEqual([]);
    } finally {
      await relay.close();
      await server.close();
    }
  });

  it('answers a re-offer by replaying the other leg with the answering direction, and injects DTMF from the peer', async () => {
    const placeholderAnswer = trunkSdp.replace('4000', '5000');
    const server = await fakeRtpengine((cmd) => {
      if (cmd.command === 'answer' && cmd['to-tag'] === 'caller~parked') return { result: 'ok', sdp: placeholderAnswer };
      if (cmd.command === 'answer' || cmd.command === 'offer') return { result: 'ok', sdp: String(cmd.sdp).replace(/a=(sendonly|recvonly|inactive)\r\n/, '') };
      return { result: 'ok' };
    });
    const relay = new RtpengineRelay({ host: '127.0.0.1', port: server.port, healthCheckIntervalMs: 0 });
    try {
      await relay.park({ callId: 'c', fromTag: 'caller', sdp: trunkSdp });
      server.commands.length = 0;
      const held = await relay.updateLeg({ callId: 'c', legTag: 'caller', sdp: `${trunkSdp}a=sendonly\r\n`, from: 'trunk' });
      expect(server.commands.map((c) => [c.command, c['from-tag'], c['to-tag']])).toEqual([
        ['offer', 'caller', 'caller~parked'], ['answer', 'caller', 'caller~parked'],
      ]);
      expect(server.commands[1].sdp).toContain('a=recvonly');
      expect(server.commands[1].sdp).toContain('s=switchboard-parked');
      // rtpengine dropped the direction: the relay writes it back.
      expect(held.sdp).toContain('a=recvonly');
      await expect(relay.updateLeg({ callId: 'c', legTag: 'nobody', sdp: trunkSdp, from: 'trunk' })).rejects.toMatchObject({ code: MediaErrorCode.NotFound });
      await expect(relay.updateLeg({ callId: 'other', legTag: 'caller', sdp: trunkSdp, from: 'trunk' })).rejects.toMatchObject({ code: MediaErrorCode.NotFound });
      server.commands.length = 0;
      await relay.sendDtmf({ callId: 'c', tag: 'caller', digits: '1#', durationMs: 20 });
      // the first digits mark the call for DTMF injection (one offer/answer round, SDPs replayed), then play
      expect(server.commands.map((c) => [c.command, c['from-tag'], c['to-tag'], (c.flags as string[] | undefined)?.includes('inject DTMF')])).toEqual([
        ['offer', 'caller', 'caller~parked', true], ['answer', 'caller', 'caller~parked', true],
        ['play DTMF', 'caller~parked', undefined, undefined], ['play DTMF', 'caller~parked', undefined, undefined],
      ]);
      expect(server.commands[0].sdp).toContain('a=sendonly'); // the held caller stays held
      expect(server.commands.slice(2)).toEqual([
        { command: 'play DTMF', 'call-id': 'c', 'from-tag': 'caller~parked', code: '1', duration: 100 },
        { command: 'play DTMF', 'call-id': 'c', 'from-tag': 'caller~parked', code: '#', duration: 100 },
      ]);
      server.commands.length = 0;
      await relay.sendDtmf({ callId: 'c', tag: 'caller', digits: '2' });
      expect(server.commands.map((c) => c.command)).toEqual(['play DTMF']);
      await expect(relay.repark({ callId: 'c', legTag: 'caller~parked' })).rejects.toMatchObject({ code: MediaErrorCode.NotFound });
      expect(server.commands).toHaveLength(1);
    } finally {
      await relay.close();
      await server.close();
    }
  });

  it('pins a moved caller\'s media address to its SDP on every command that carries it, and only for that call', async () => {
    const browserSdp = [
      'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4002 UDP/TLS/RTP/SAVPF 0',
      'a=fingerprint:sha-256 AA:BB', 'a=setup:actpass', '',
    ].join('\r\n');
    const server = await fakeRtpengine((cmd) => {
      if (cmd.command !== 'offer' && cmd.command !== 'answer') return { result: 'ok' };
      // towards a browser: rtpengine's answer for the browser's offer
      const towardsBrowser = cmd.command === 'answer' && String(cmd['from-tag']).endsWith('~parked');
      return { result: 'ok', sdp: towardsBrowser ? browserSdp : trunkSdp };
    });
    const relay = new RtpengineRelay({ host: '127.0.0.1', port: server.port, healthCheckIntervalMs: 0 });
    const pinned = (c: Record<string, unknown>) => ((c.flags as string[] | undefined) ?? []).filter((f) => f === 'strict source' || f === 'endpoint-learning-off');
    try {
      await relay.park({ callId: 'moved', fromTag: 'caller', sdp: trunkSdp, pinAddress: true });
      await relay.connectParked({ callId: 'moved', legTag: 'op', sdp: browserSdp, from: 'browser' });
      await relay.updateLeg({ callId: 'moved', legTag: 'caller', sdp: `${trunkSdp}a=sendonly\r\n`, from: 'trunk' });
      await relay.updateLeg({ callId: 'moved', legTag: 'op', sdp: `${browserSdp}a=sendonly\r\n`, from: 'browser' });
      // the commands whose SDP is the caller's carry the flags; the placeholder's and the browser's do not
      expect(server.commands.map((c) => [c.command, c['from-tag'], pinned(c).length])).toEqual([
        ['offer', 'caller', 2], ['answer', 'caller', 0], // park: the caller's offer, the placeholder's answer
        ['offer', 'caller~parked', 0], ['answer', 'caller~parked', 2], // connect: the browser offers, the caller's SDP answers
        ['offer', 'caller', 2], ['answer', 'caller', 0], // the caller re-offers, the browser's SDP is replayed
        ['offer', 'caller~parked', 0], ['answer', 'caller~parked', 2], // the browser re-offers, the caller's SDP is replayed
      ]);
      server.commands.length = 0;
      await relay.park({ callId: 'fresh', fromTag: 'caller2', sdp: trunkSdp });
      expect(server.commands.flatMap(pinned)).toEqual([]);
      // a call deleted and parked again without pinning is not pinned any more
      await relay.delete({ callId: 'moved' });
      server.commands.length = 0;
      await relay.park({ callId: 'moved', fromTag: 'caller', sdp: trunkSdp });
      expect(server.commands.flatMap(pinned)).toEqual([]);
    } finally {
      await relay.close();
      await server.close();
    }
  });

  it('keeps its calls when rtpengine only answered late (busy), so a hold still works after up', async () => {
    let silent = false;
    const server = await fakeRtpengine((cmd) => {
      if (cmd.command === 'ping') return silent ? undefined : { result: 'pong' };
      return { result: 'ok', sdp: String(cmd.sdp ?? trunkSdp) };
    });
    const relay = new RtpengineRelay({ host: '127.0.0.1', port: server.port, healthCheckIntervalMs: 50, timeoutMs: 200 });
    try {
      await relay.park({ callId: 'c', fromTag: 'caller', sdp: trunkSdp });
      silent = true;
      for (let i = 0; i < 250 && relay.state !== 'down'; i++) await new Promise((r) => setTimeout(r, 20));
      expect(relay.state).toBe('down');
      silent = false;
      for (let i = 0; i < 250 && relay.state !== 'up'; i++) await new Promise((r) => setTimeout(r, 20));
      expect(relay.state).toBe('up');
      await expect(relay.updateLeg({ callId: 'c', legTag: 'caller', sdp: trunkSdp, from: 'trunk' })).resolves.toMatchObject({ sdp: expect.any(String) });
      // The process exited: its calls are gone, and so is what the relay knew of them.
      relay.markDown(new MediaError(MediaErrorCode.RelayDown, 'process exited'));
      await expect(relay.updateLeg({ callId: 'c', legTag: 'caller', sdp: trunkSdp, from: 'trunk' })).rejects.toMatchObject({ code: MediaErrorCode.NotFound });
    } finally {
      await relay.close();
      await server.close();
    }
  });

  it('maps rtpengine reasons to codes and sends record call when configured', async () => {
    const server = await fakeRtpengine((cmd) => (cmd.command === 'query' ? { result: 'error', 'error-reason': 'Unknown call-ID' }
      : cmd.command === 'offer' ? { result: 'error', 'error-reason': 'Failed to parse SDP' } : { result: 'ok' }));
    const relay = new RtpengineRelay({ host: '127.0.0.1', port: server.port, healthCheckIntervalMs: 0, recordCalls: true });
    try {
      await expect(relay.callStats('x')).rejects.toMatchObject({ code: MediaErrorCode.NotFound, callId: 'x', command: 'query' });
      await expect(relay.offer({ callId: 'c2', fromTag: 'a', sdp: trunkSdp, from: 'trunk', to: 'trunk' })).rejects.toMatchObject({ code: MediaErrorCode.SdpInvalid });
      expect(server.commands.find((c) => c.command === 'offer')).toMatchObject({ 'record call': 'yes', 'transport-protocol': 'RTP/AVP' });
    } finally {
      await relay.close();
      await server.close();
    }
  });

  it('goes down when the health check finds nothing, fails calls at once, and comes back up', async () => {
    const server = await fakeRtpengine((cmd) => (cmd.command === 'ping' ? { result: 'pong' } : { result: 'ok', calls: [] }));
    const port = server.port;
    await server.close();
    const relay = new RtpengineRelay({ host: '127.0.0.1', port, healthCheckIntervalMs: 50, timeoutMs: 500 });
    const events: string[] = [];
    relay.on('down', (e) => events.push(`down:${e.code}`));
    relay.on('up', () => events.push('up'));
    try {
      for (let i = 0; i < 250 && relay.state !== 'down'; i++) await new Promise((r) => setTimeout(r, 20));
      expect(relay.state).toBe('down');
      await expect(relay.listCalls()).rejects.toMatchObject({ code: MediaErrorCode.RelayDown });
      // rtpengine is back on the same port.
      const socket = dgram.createSocket('udp4');
      socket.on('message', (msg, rinfo) => {
        const space = msg.indexOf(0x20);
        socket.send(Buffer.concat([msg.subarray(0, space + 1), encode({ result: 'pong' })]), rinfo.port, rinfo.address);
      });
      await new Promise<void>((r) => socket.bind(port, '127.0.0.1', r));
      try {
        for (let i = 0; i < 250 && relay.state !== 'up'; i++) await new Promise((r) => setTimeout(r, 20));
      } finally {
        socket.close();
      }
      expect(events).toEqual([`down:${MediaErrorCode.RelayDown}`, 'up']);
    } finally {
      await relay.close();
    }
    expect(relay.state).toBe('closed');
  });

  it('reports the calls a process exit took (calls-lost), once', async () => {
    const server = await fakeRtpengine((cmd) => ({ result: 'ok', sdp: String(cmd.sdp ?? trunkSdp) }));
    const relay = new RtpengineRelay({ host: '127.0.0.1', port: server.port, healthCheckIntervalMs: 0, sessionCheckIntervalMs: 0 });
    const lost: string[][] = [];
    relay.on('calls-lost', (info) => lost.push(info.callIds));
    try {
      await relay.park({ callId: 'p1', fromTag: 'caller', sdp: trunkSdp });
      await relay.park({ callId: 'p2', fromTag: 'caller', sdp: trunkSdp });
      relay.markDown(new MediaError(MediaErrorCode.RelayDown, 'process exited'));
      relay.markDown(new MediaError(MediaErrorCode.RelayDown, 'process exited'));
      expect(lost).toEqual([['p1', 'p2']]);
    } finally {
      await relay.close();
      await server.close();
    }
  });

  it('the session check reports calls rtpengine no longer holds (a restart between two pings), not the ones it holds', async () => {
    const held = new Set<string>();
    const server = await fakeRtpengine((cmd) => {
      const id = String(cmd['call-id'] ?? '');
      if (cmd.command === 'offer') held.add(id);
      if (cmd.command === 'list') return { result: 'ok', calls: [...held] };
      if (cmd.command === 'query') return held.has(id) ? { result: 'ok' } : { result: 'error', 'error-reason': 'Unknown call-id' };
      return { result: 'ok', sdp: String(cmd.sdp ?? trunkSdp) };
    });
    const relay = new RtpengineRelay({ host: '127.0.0.1', port: server.port, healthCheckIntervalMs: 0, sessionCheckIntervalMs: 0 });
    const lost: string[][] = [];
    relay.on('calls-lost', (info) => lost.push(info.callIds));
    try {
      await relay.park({ callId: 'a', fromTag: 'caller', sdp: trunkSdp });
      await relay.park({ callId: 'b', fromTag: 'caller', sdp: trunkSdp });
      await expect(relay.checkSessions()).resolves.toEqual([]);
      held.delete('b'); // rtpengine restarted and only 'a' was set up again
      await expect(relay.checkSessions()).resolves.toEqual(['b']);
      expect(lost).toEqual([['b']]);
      expect(relay.state).toBe('up');
      await expect(relay.updateLeg({ callId: 'b', legTag: 'caller', sdp: trunkSdp, from: 'trunk' })).rejects.toMatchObject({ code: MediaErrorCode.NotFound });
      await expect(relay.checkSessions()).resolves.toEqual([]); // reported once
    } finally {
      await relay.close();
      await server.close();
    }
  });
});
