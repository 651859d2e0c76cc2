import { chooseDevice, optionsOf, type DeviceOption, type DeviceRole, type RememberedDevice } from './device-choice';
import { deviceInfo } from './testing/fake-media-devices';

const d = (deviceId: string, label = deviceId): DeviceOption => ({ deviceId, label, groupId: `g-${deviceId}` });
const headset = d('headset-1', 'Jabra Evolve2 40');
const laptop = d('laptop-mic', 'Built-in Microphone');

describe('chooseDevice', () => {
  const cases: Array<[string, DeviceRole, DeviceOption[], RememberedDevice | undefined, string | undefined, string]> = [
    ['nothing available', 'microphone', [], { deviceId: 'x', label: 'x' }, undefined, 'none'],
    ['remembered and present', 'microphone', [d('default'), headset, laptop], { deviceId: 'headset-1', label: 'Jabra Evolve2 40' }, 'headset-1', 'remembered'],
    ['remembered id changed, same label', 'speaker', [d('default'), d('new-id', 'Jabra Evolve2 40')], { deviceId: 'headset-1', label: 'Jabra Evolve2 40' }, 'new-id', 'same-label'],
    ['remembered gone: headset parts prefer communications', 'microphone', [d('default'), d('communications'), laptop], { deviceId: 'headset-1', label: 'Jabra' }, 'communications', 'communications'],
    ['remembered gone: speaker falls back to default', 'speaker', [laptop, d('default')], { deviceId: 'headset-1', label: 'Jabra' }, 'default', 'default'],
    ['remembered gone: ringer prefers default over communications', 'ringer', [d('communications'), d('default'), laptop], { deviceId: 'desk', label: 'Desk speaker' }, 'default', 'default'],
    ['ringer without default takes communications', 'ringer', [laptop, d('communications')], undefined, 'communications', 'communications'],
    ['nothing remembered, no default: first', 'microphone', [laptop, headset], undefined, 'laptop-mic', 'first'],
    ['empty remembered label does not match unlabelled devices', 'microphone', [d('a', ''), d('b', '')], { deviceId: 'gone', label: '' }, 'a', 'first'],
  ];
  it.each(cases)('%s', (_name, role, available, remembered, deviceId, reason) => {
    expect(chooseDevice(role, available, remembered)).toEqual({ deviceId, reason });
  });
});

describe('optionsOf', () => {
  it('keeps one kind, drops permission-less blanks, names unlabelled devices', () => {
    const list = [
      deviceInfo('audioinput', '', ''),
      deviceInfo('audioinput', 'a', ''),
      deviceInfo('audiooutput', 'o', 'Speakers'),
      deviceInfo('audioinput', 'b', 'USB mic'),
      deviceInfo('videoinput', 'v', 'Camera'),
    ];
    expect(optionsOf(list, 'audioinput')).toEqual([
      { deviceId: 'a', label: 'Microphone 1', groupId: 'group-a' },
      { deviceId: 'b', label: 'USB mic', groupId: 'group-b' },
    ]);
    expect(optionsOf(list, 'audiooutput').map((o) => o.label)).toEqual(['Speakers']);
  });
});
