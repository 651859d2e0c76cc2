import type { DeviceRole } from '../devices/device-choice';
import type { DeviceListing } from '../devices/device-manager';
import { byId, setOptions } from './dom';

export interface DevicesViewDelegate {
  onDevice?(role: DeviceRole, deviceId: string): void;
  onTestSpeaker?(): void;
  onTestRinger?(): void;
}

/** Microphone / headset speaker / ringer pickers, the level meter and the test buttons. */
export class DevicesView {
  delegate: DevicesViewDelegate | undefined;
  private readonly selects: Record<DeviceRole, HTMLSelectElement>;
  private readonly meter: HTMLMeterElement;
  private readonly testSpeaker: HTMLButtonElement;
  private readonly testRinger: HTMLButtonElement;

  constructor(doc: Document) {
    this.selects = {
      microphone: byId(doc, 'device-mic', HTMLSelectElement),
      speaker: byId(doc, 'device-speaker', HTMLSelectElement),
      ringer: byId(doc, 'device-ringer', HTMLSelectElement),
    };
    this.meter = byId(doc, 'mic-level', HTMLMeterElement);
    this.testSpeaker = byId(doc, 'test-speaker', HTMLButtonElement);
    this.testRinger = byId(doc, 'test-ringer', HTMLButtonElement);
    for (const role of Object.keys(this.selects) as DeviceRole[]) {
      const select = this.selects[role];
      select.addEventListener('change', () => {
        if (select.value) this.delegate?.onDevice?.(role, select.value);
      });
    }
    this.testSpeaker.addEventListener('click', () => this.delegate?.onTestSpeaker?.());
    this.testRinger.addEventListener('click', () => this.delegate?.onTestRinger?.());
  }

  /** `canChooseOutput` is false where the browser lacks `setSinkId`: outputs are the system default. */
  render(listing: DeviceListing, canChooseOutput: boolean): void {
    const mics = listing.microphones.map((d) => ({ value: d.deviceId, label: d.label }));
    setOptions(this.selects.microphone, mics.length ? mics : [{ value: '', label: 'No microphone found' }], listing.selected.microphone);
    const outputs = canChooseOutput ? listing.outputs.map((d) => ({ value: d.deviceId, label: d.label })) : [];
    const fallback = [{ value: '', label: 'System default' }];
    setOptions(this.selects.speaker, outputs.length ? outputs : fallback, listing.selected.speaker);
    setOptions(this.selects.ringer, outputs.length ? outputs : fallback, listing.selected.ringer);
  }

  setLevel(level: number): void {
    this.meter.value = level;
  }

  /** Marks a test as playing (the button stays focusable; a second press is ignored by the app). */
  setTesting(which: 'speaker' | 'ringer', playing: boolean): void {
    (which === 'speaker' ? this.testSpeaker : this.testRinger).setAttribute('aria-busy', String(playing));
  }
}
