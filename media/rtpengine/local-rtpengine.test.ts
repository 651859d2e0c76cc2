import { LocalRtpengine } from './local-rtpengine';
import { findBinary } from './find-binary';
import { MediaErrorCode } from '../errors';
import { startMediaRelay } from '../start-media-relay';

describe('LocalRtpengine', () => {
  it('refuses to start without the binary and says how to install it', async () => {
    const local = new LocalRtpengine({ searchPath: '/nonexistent' });
    const err = await local.start().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: MediaErrorCode.BinaryMissing, message: expect.stringContaining('apt-get install rtpengine-daemon') });
    expect(local.running).toBe(false);
  });

  it('startMediaRelay stops start-up with the same error', async () => {
    await expect(startMediaRelay({ local: { binary: '/nonexistent/rtpengine' } })).rejects.toMatchObject({ code: MediaErrorCode.BinaryMissing });
  });

  it('runs userspace-only on 127.0.0.1 with a private port range and no system config', () => {
    const args = new LocalRtpengine({ portMin: 23000, portMax: 23099, recordingDir: '/tmp/rec' }).args();
    expect(args).toEqual(expect.arrayContaining([
      '--config-file=none', '--foreground', '--table=-1', '--interface=127.0.0.1', '--port-min=23000', '--port-max=23099',
      '--recording-dir=/tmp/rec', '--recording-method=pcap',
    ]));
    expect(args.some((a) => a.startsWith('--listen-ng=127.0.0.1:'))).toBe(true);
  });

  const installed = findBinary('rtpengine', process.env.PATH) !== undefined;
  (installed ? it : it.skip)('starts, answers ping, restarts on demand and stops idempotently', async () => {
    const local = new LocalRtpengine({ portMin: 23100, portMax: 23199 });
    const exits: boolean[] = [];
    local.on('exit', (e) => exits.push(e.expected));
    try {
      await local.start();
      const pid = local.pid;
      expect(pid).toBeGreaterThan(0);
      await local.restart();
      expect(local.pid).not.toBe(pid);
      expect(local.running).toBe(true);
    } finally {
      await local.stop();
      await local.stop();
    }
    expect(local.running).toBe(false);
    expect(exits).toEqual([true, true]);
  });
});

describe('findBinary', () => {
  it('finds programs on a PATH list and absolute paths', () => {
    expect(findBinary('sh', '/nonexistent:/bin:/usr/bin')).toMatch(/\/sh$/);
    expect(findBinary('/bin/sh', undefined)).toBe('/bin/sh');
    expect(findBinary('no-such-program-here', '/bin')).toBeUndefined();
  });
});
