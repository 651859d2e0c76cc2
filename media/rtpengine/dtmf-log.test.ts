import * as dgram from 'node:dgram';
import { DtmfLog, parseDtmfLog, type DtmfLogEntry } from './dtmf-log';

describe('DTMF reports', () => {
  it('reads rtpengine JSON reports and ignores anything else', () => {
    expect(parseDtmfLog(JSON.stringify({ callid: 'c', source_tag: 't', event: 11, duration: 160, volume: 10 })))
      .toEqual({ callId: 'c', tag: 't', digit: '#' });
    expect(parseDtmfLog('{"callid":"c","source_tag":"t","event":"3"}')).toEqual({ callId: 'c', tag: 't', digit: '3' });
    for (const bad of ['nope', '[]', '{"callid":"c","source_tag":"t","event":16}', '{"callid":"c","event":1}', 'null']) {
      expect(parseDtmfLog(bad)).toBeUndefined();
    }
  });

  it('emits reports from 127.0.0.1 and counts what it drops', async () => {
    const log = await DtmfLog.open();
    const sender = dgram.createSocket('udp4');
    const got: DtmfLogEntry[] = [];
    log.on('dtmf', (e) => got.push(e));
    try {
      const [host, port] = log.address.split(':');
      const send = (msg: string | Buffer) => new Promise<void>((r) => sender.send(msg, Number(port), host, () => r()));
      await send('garbage');
      await send(Buffer.alloc(9000, 0x20));
      await send(JSON.stringify({ callid: 'c', source_tag: 'caller', event: 5 }));
      for (let i = 0; i < 100 && (got.length < 1 || log.dropped < 2); i++) await new Promise((r) => setTimeout(r, 10));
      expect(got).toEqual([{ callId: 'c', tag: 'caller', digit: '5' }]);
      expect(log.dropped).toBe(2);
    } finally {
      sender.close();
      await log.close();
      await log.close();
    }
  });
});
