import { InvalidStateError } from '../errors';
import type { DeviceRole } from './device-choice';
import { DeviceManager, type DeviceListing } from './device-manager';
import { deviceInfo, FakeMediaDevices, MemoryStorage } from './testing/fake-media-devices';

const KEY = 'switchboard.softphone.devices';
const laptopDevices = () => [
  deviceInfo('audioinput', 'default', 'Default - Built-in Microphone'),
  deviceInfo('audioinput', 'builtin-mic', 'Built-in Microphone'),
  deviceInfo('audiooutput', 'default', 'Default - Built-in Speakers'),
  deviceInfo('audiooutput', 'builtin-spk', 'Built-in Speakers'),
];
const headset = () => [
  deviceInfo('audioinput', 'jabra-mic', 'Jabra Evolve2 40 Mic', 'jabra'),
  deviceInfo('audiooutput', 'jabra-spk', 'Jabra Evolve2 40 Speaker', 'jabra'),
];

/** Resolves with the next onChange. */
function nextChange(manager: DeviceManager): Promise<{ listing: DeviceListing; changed: DeviceRole[] }> {
  return new Promise((resolve) => {
    manager.delegate = { onChange: (listing, changed) => resolve({ listing, changed }) };
  });
}

describe('DeviceManager', () => {
  let media: FakeMediaDevices;
  let storage: MemoryStorage;
  let manager: DeviceManager;
  beforeEach(() => {
    media = new FakeMediaDevices([...laptopDevices(), ...headset()]);
    storage = new MemoryStorage();
    manager = new DeviceManager({ mediaDevices: media, storage });
  });
  afterEach(() => manager.close());

  it('asks for the microphone once (for labels), stops the probe and picks the defaults', async () => {
    const listing = await manager.start();
    expect(media.requests).toEqual([{ audio: true, video: false }]);
    expect(media.tracks.every((t) => t.readyState === 'ended')).toBe(true);
    expect(listing.microphones.map((m) => m.deviceId)).toEqual(['default', 'builtin-mic', 'jabra-mic']);
    expect(listing.outputs.map((m) => m.deviceId)).toEqual(['default', 'builtin-spk', 'jabra-spk']);
    expect(listing.selected).toEqual({ microphone: 'default', speaker: 'default', ringer: 'default' });
    expect(listing.reasons).toEqual({ microphone: 'default', speaker: 'default', ringer: 'default' });
  });

  it('remembers choices in storage, also for the next page load', async () => {
    await manager.start();
    const change = nextChange(manager);
    manager.choose('microphone', 'jabra-mic');
    expect(await change).toMatchObject({ changed: ['microphone'] });
    manager.choose('speaker', 'jabra-spk');
    manager.choose('ringer', 'builtin-spk');
    expect(JSON.parse(storage.getItem(KEY)!)).toEqual({
      microphone: { deviceId: 'jabra-mic', label: 'Jabra Evolve2 40 Mic' },
      speaker: { deviceId: 'jabra-spk', label: 'Jabra Evolve2 40 Speaker' },
      ringer: { deviceId: 'builtin-spk', label: 'Built-in Speakers' },
    });
    const again = new DeviceManager({ mediaDevices: media, storage });
    try {
      expect((await again.start()).selected).toEqual({ microphone: 'jabra-mic', speaker: 'jabra-spk', ringer: 'builtin-spk' });
    } finally {
      again.close();
    }
  });

  it('falls back when the headset is unplugged and takes it back when it returns', async () => {
    await manager.start();
    manager.choose('microphone', 'jabra-mic');
    manager.choose('speaker', 'jabra-spk');

    let change = nextChange(manager);
    media.unplug('jabra-mic', 'jabra-spk');
    let { listing, changed } = await change;
    expect(changed).toEqual(['microphone', 'speaker']);
    expect(listing.selected).toEqual({ microphone: 'default', speaker: 'default', ringer: 'default' });
    expect(listing.reasons.microphone).toBe('default');
    expect(JSON.parse(storage.getItem(KEY)!).microphone.deviceId).toBe('jabra-mic'); // the choice is kept

    change = nextChange(manager);
    media.plug(...headset());
    ({ listing, changed } = await change);
    expect(changed).toEqual(['microphone', 'speaker']);
    expect(listing.selected).toMatchObject({ microphone: 'jabra-mic', speaker: 'jabra-spk' });
    expect(listing.reasons.microphone).toBe('remembered');
  });

  it('reports a new device in the list even when the choice stays', async () => {
    await manager.start();
    const change = nextChange(manager);
    media.plug(deviceInfo('audiooutput', 'hdmi', 'HDMI Output'));
    const { listing, changed } = await change;
    expect(changed).toEqual([]);
    expect(listing.outputs.map((o) => o.deviceId)).toContain('hdmi');
  });

  it('finds a remembered device whose id changed by its label', async () => {
    storage.setItem(KEY, JSON.stringify({ speaker: { deviceId: 'old-id', label: 'Jabra Evolve2 40 Speaker' } }));
    const listing = await manager.start();
    expect(listing.selected.speaker).toBe('jabra-spk');
    expect(listing.reasons.speaker).toBe('same-label');
  });

  it('ignores unreadable preferences', async () => {
    storage.setItem(KEY, '{not json');
    expect((await manager.start()).selected.microphone).toBe('default');
    storage.setItem(KEY, JSON.stringify({ microphone: { deviceId: 42 } }));
    expect((await manager.refresh()).selected.microphone).toBe('default');
  });

  it('opens exactly the chosen microphone with call processing on', async () => {
    await manager.start();
    manager.choose('microphone', 'jabra-mic');
    const stream = await manager.openMicrophone();
    expect(media.requests.at(-1)).toEqual({
      audio: { deviceId: { exact: 'jabra-mic' }, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      video: false,
    });
    expect(stream.getAudioTracks()[0].label).toBe('Jabra Evolve2 40 Mic');
  });

  it('rejects a choice of a device that is not there', async () => {
    await manager.start();
    expect(() => manager.choose('speaker', 'nope')).toThrow(InvalidStateError);
  });

  it('propagates a refused permission', async () => {
    media.refuse = 'NotAllowedError';
    await expect(manager.start()).rejects.toMatchObject({ name: 'NotAllowedError' });
  });

  it('stops listening when closed, close is idempotent, and a closed manager throws', async () => {
    await manager.start();
    const onChange = jest.fn();
    manager.delegate = { onChange };
    manager.close();
    manager.close();
    media.unplug('jabra-mic');
    await new Promise((r) => setImmediate(r));
    expect(onChange).not.toHaveBeenCalled();
    expect(() => manager.refresh()).toThrow(InvalidStateError);
    expect(() => manager.openMicrophone()).toThrow(InvalidStateError);
  });
});
