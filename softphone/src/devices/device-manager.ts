import { InvalidStateError } from '../errors';
import {
  chooseDevice, DEVICE_ROLES, kindOf, optionsOf,
  type ChoiceReason, type DeviceOption, type DeviceRole, type RememberedDevice,
} from './device-choice';

/** The part of `Storage` used to remember choices; `localStorage` satisfies it. */
export type DeviceStorage = Pick<Storage, 'getItem' | 'setItem'>;

export interface DeviceManagerOptions {
  mediaDevices: MediaDevices;
  storage: DeviceStorage;
  /** localStorage key; default `switchboard.softphone.devices`. */
  storageKey?: string;
}

export interface DeviceListing {
  microphones: DeviceOption[];
  /** Audio outputs (empty where the browser does not list them; then the default output plays). */
  outputs: DeviceOption[];
  selected: Record<DeviceRole, string | undefined>;
  reasons: Record<DeviceRole, ChoiceReason>;
}

export interface DeviceManagerDelegate {
  /** The device list or the effective choice of some role changed (hot-plug, or `choose`). */
  onChange?(listing: DeviceListing, changed: DeviceRole[]): void;
}

type Remembered = Partial<Record<DeviceRole, RememberedDevice>>;

const EMPTY: DeviceListing = {
  microphones: [], outputs: [],
  selected: { microphone: undefined, speaker: undefined, ringer: undefined },
  reasons: { microphone: 'none', speaker: 'none', ringer: 'none' },
};

/**
 * Microphone, headset speaker and ringer: lists them, remembers the operator's choice in storage,
 * and re-checks on `devicechange` (a remembered device that disappears falls back, one that comes
 * back is picked again). No SIP here.
 */
export class DeviceManager {
  delegate: DeviceManagerDelegate | undefined;
  private readonly media: MediaDevices;
  private readonly storage: DeviceStorage;
  private readonly key: string;
  private current: DeviceListing = EMPTY;
  private queue: Promise<unknown> = Promise.resolve();
  private started = false;
  private closed = false;
  private readonly onDeviceChange = () => {
    void this.refresh().catch(() => undefined);
  };

  constructor(options: DeviceManagerOptions) {
    this.media = options.mediaDevices;
    this.storage = options.storage;
    this.key = options.storageKey ?? 'switchboard.softphone.devices';
  }

  get listing(): DeviceListing {
    return this.current;
  }

  selected(role: DeviceRole): string | undefined {
    return this.current.selected[role];
  }

  /** Asks for microphone permission (so devices have labels), lists devices, watches hot-plug. */
  async start(): Promise<DeviceListing> {
    this.assertOpen();
    if (!this.started) {
      this.started = true;
      this.media.addEventListener('devicechange', this.onDeviceChange);
      const probe = await this.media.getUserMedia({ audio: true, video: false });
      for (const t of probe.getTracks()) t.stop();
    }
    return this.refresh();
  }

  /** Enumerates again; serialised, so overlapping `devicechange` events apply in order. */
  refresh(): Promise<DeviceListing> {
    this.assertOpen();
    const run = this.queue.then(async () => {
      if (this.closed) return this.current;
      const devices = await this.media.enumerateDevices();
      return this.apply(optionsOf(devices, 'audioinput'), optionsOf(devices, 'audiooutput'));
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The operator picked `deviceId` for `role`: remember it and use it. */
  choose(role: DeviceRole, deviceId: string): DeviceListing {
    this.assertOpen();
    const list = role === 'microphone' ? this.current.microphones : this.current.outputs;
    const device = list.find((d) => d.deviceId === deviceId);
    if (!device) throw new InvalidStateError(`no ${kindOf(role)} "${deviceId}"`);
    const remembered = this.remembered();
    remembered[role] = { deviceId, label: device.label };
    this.storage.setItem(this.key, JSON.stringify(remembered));
    return this.apply(this.current.microphones, this.current.outputs);
  }

  /** Audio constraints for the chosen microphone, with the processing a headset call wants. */
  microphoneConstraints(): MediaTrackConstraints {
    const id = this.current.selected.microphone;
    return {
      ...(id ? { deviceId: { exact: id } } : {}),
      echoCancellation: true, noiseSuppression: true, autoGainControl: true,
    };
  }

  /** A fresh stream from the chosen microphone (the caller stops its tracks). */
  openMicrophone(): Promise<MediaStream> {
    this.assertOpen();
    return this.media.getUserMedia({ audio: this.microphoneConstraints(), video: false });
  }

  /** Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.media.removeEventListener('devicechange', this.onDeviceChange);
  }

  private assertOpen(): void {
    if (this.closed) throw new InvalidStateError('device manager is closed');
  }

  private remembered(): Remembered {
    try {
      const raw = this.storage.getItem(this.key);
      const parsed: unknown = raw ? JSON.parse(raw) : {};
      if (typeof parsed !== 'object' || parsed === null) return {};
      const out: Remembered = {};
      for (const role of DEVICE_ROLES) {
        const r = (parsed as Record<string, unknown>)[role] as Partial<RememberedDevice> | undefined;
        if (r && typeof r.deviceId === 'string') out[role] = { deviceId: r.deviceId, label: typeof r.label === 'string' ? r.label : '' };
      }
      return out;
    } catch {
      return {}; // unreadable preferences are the same as none
    }
  }

  private apply(microphones: DeviceOption[], outputs: DeviceOption[]): DeviceListing {
    const remembered = this.remembered();
    const previous = this.current;
    const next: DeviceListing = { microphones, outputs, selected: { ...EMPTY.selected }, reasons: { ...EMPTY.reasons } };
    for (const role of DEVICE_ROLES) {
      const choice = chooseDevice(role, role === 'microphone' ? microphones : outputs, remembered[role]);
      next.selected[role] = choice.deviceId;
      next.reasons[role] = choice.reason;
    }
    this.current = next;
    const changed = DEVICE_ROLES.filter((r) => previous.selected[r] !== next.selected[r]);
    const listChanged = !sameList(previous.microphones, microphones) || !sameList(previous.outputs, outputs);
    if (changed.length > 0 || listChanged) this.delegate?.onChange?.(next, changed);
    return next;
  }
}

function sameList(a: readonly DeviceOption[], b: readonly DeviceOption[]): boolean {
  return a.length === b.length && a.every((d, i) => d.deviceId === b[i].deviceId && d.label === b[i].label);
}
