/** Which device plays which part, and which one to use when the remembered one is gone. Pure. */

export type DeviceRole = 'microphone' | 'speaker' | 'ringer';

export const DEVICE_ROLES: readonly DeviceRole[] = ['microphone', 'speaker', 'ringer'];

/** What we remember of the operator's choice: the id, and the label in case the id changes. */
export interface RememberedDevice {
  deviceId: string;
  label: string;
}

export interface DeviceOption {
  deviceId: string;
  label: string;
  groupId: string;
}

export type ChoiceReason = 'remembered' | 'same-label' | 'communications' | 'default' | 'first' | 'none';

export interface DeviceChoice {
  /** Undefined when there is no device of that kind (the browser's default output is used). */
  deviceId: string | undefined;
  reason: ChoiceReason;
}

export function kindOf(role: DeviceRole): MediaDeviceKind {
  return role === 'microphone' ? 'audioinput' : 'audiooutput';
}

/**
 * The device to use for `role` among `available`:
 * 1. the remembered device, if present (same id);
 * 2. a device with the remembered label (ids change when the site's data is cleared);
 * 3. for the headset parts (microphone, speaker) the system's "communications" device, then "default";
 *    for the ringer "default" (the loudspeaker the desk hears, not the headset), then "communications";
 * 4. the first device of the kind.
 * The remembered choice itself is kept, so a headset that comes back is picked again.
 */
export function chooseDevice(role: DeviceRole, available: readonly DeviceOption[], remembered?: RememberedDevice): DeviceChoice {
  if (available.length === 0) return { deviceId: undefined, reason: 'none' };
  if (remembered) {
    if (available.some((d) => d.deviceId === remembered.deviceId)) return { deviceId: remembered.deviceId, reason: 'remembered' };
    const byLabel = remembered.label ? available.find((d) => d.label === remembered.label) : undefined;
    if (byLabel) return { deviceId: byLabel.deviceId, reason: 'same-label' };
  }
  const order: Array<'communications' | 'default'> = role === 'ringer' ? ['default', 'communications'] : ['communications', 'default'];
  for (const id of order) {
    if (available.some((d) => d.deviceId === id)) return { deviceId: id, reason: id };
  }
  return { deviceId: available[0].deviceId, reason: 'first' };
}

/** Devices of `kind` from `enumerateDevices()`, with readable labels before permission is granted. */
export function optionsOf(devices: readonly MediaDeviceInfo[], kind: MediaDeviceKind): DeviceOption[] {
  const noun = kind === 'audioinput' ? 'Microphone' : 'Speaker';
  return devices
    .filter((d) => d.kind === kind && d.deviceId !== '')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${noun} ${i + 1}`, groupId: d.groupId }));
}
