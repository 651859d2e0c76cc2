/**
 * Test doubles for the browser's media interfaces, implementing the real DOM interfaces (no module
 * mocks): devices can be plugged and unplugged, and every getUserMedia request is recorded.
 */

let nextId = 1;

export class FakeMediaStreamTrack extends EventTarget implements MediaStreamTrack {
  contentHint = '';
  enabled = true;
  readonly id = `track-${nextId++}`;
  readonly kind: string;
  readonly label: string;
  readonly muted = false;
  onended: ((this: MediaStreamTrack, ev: Event) => unknown) | null = null;
  onmute: ((this: MediaStreamTrack, ev: Event) => unknown) | null = null;
  onunmute: ((this: MediaStreamTrack, ev: Event) => unknown) | null = null;
  readyState: MediaStreamTrackState = 'live';
  readonly deviceId: string;

  constructor(kind: string, label: string, deviceId: string) {
    super();
    this.kind = kind;
    this.label = label;
    this.deviceId = deviceId;
  }

  applyConstraints(): Promise<void> {
    return Promise.resolve();
  }
  clone(): MediaStreamTrack {
    return new FakeMediaStreamTrack(this.kind, this.label, this.deviceId);
  }
  getCapabilities(): MediaTrackCapabilities {
    return { deviceId: this.deviceId };
  }
  getConstraints(): MediaTrackConstraints {
    return {};
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: this.deviceId };
  }
  stop(): void {
    this.readyState = 'ended';
  }
}

export class FakeMediaStream extends EventTarget implements MediaStream {
  readonly id = `stream-${nextId++}`;
  onaddtrack: ((this: MediaStream, ev: MediaStreamTrackEvent) => unknown) | null = null;
  onremovetrack: ((this: MediaStream, ev: MediaStreamTrackEvent) => unknown) | null = null;
  private readonly tracks: MediaStreamTrack[];

  constructor(tracks: MediaStreamTrack[] = []) {
    super();
    this.tracks = [...tracks];
  }

  get active(): boolean {
    return this.tracks.some((t) => t.readyState === 'live');
  }
  addTrack(track: MediaStreamTrack): void {
    if (!this.tracks.includes(track)) this.tracks.push(track);
  }
  clone(): MediaStream {
    return new FakeMediaStream(this.tracks.map((t) => t.clone()));
  }
  getAudioTracks(): MediaStreamTrack[] {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getTrackById(trackId: string): MediaStreamTrack | null {
    return this.tracks.find((t) => t.id === trackId) ?? null;
  }
  getTracks(): MediaStreamTrack[] {
    return [...this.tracks];
  }
  getVideoTracks(): MediaStreamTrack[] {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  removeTrack(track: MediaStreamTrack): void {
    const i = this.tracks.indexOf(track);
    if (i >= 0) this.tracks.splice(i, 1);
  }
}

export function deviceInfo(kind: MediaDeviceKind, deviceId: string, label: string, groupId = `group-${deviceId}`): MediaDeviceInfo {
  const info = { kind, deviceId, label, groupId };
  return { ...info, toJSON: () => info };
}

/** A `MediaDevices` whose devices the test plugs in and out; `devicechange` fires like the browser's. */
export class FakeMediaDevices extends EventTarget implements MediaDevices {
  ondevicechange: ((this: MediaDevices, ev: Event) => unknown) | null = null;
  /** Every getUserMedia constraints object, in order. */
  readonly requests: MediaStreamConstraints[] = [];
  /** Every track handed out. */
  readonly tracks: FakeMediaStreamTrack[] = [];
  /** When set, getUserMedia rejects with this DOMException name (e.g. "NotAllowedError"). */
  refuse: string | undefined;
  private devices: MediaDeviceInfo[];

  constructor(devices: MediaDeviceInfo[]) {
    super();
    this.devices = [...devices];
  }

  plug(...devices: MediaDeviceInfo[]): void {
    this.devices.push(...devices);
    this.changed();
  }

  unplug(...deviceIds: string[]): void {
    this.devices = this.devices.filter((d) => !deviceIds.includes(d.deviceId));
    this.changed();
  }

  enumerateDevices(): Promise<MediaDeviceInfo[]> {
    return Promise.resolve([...this.devices]);
  }

  getDisplayMedia(): Promise<MediaStream> {
    return Promise.reject(new DOMException('no screens here', 'NotSupportedError'));
  }

  getSupportedConstraints(): MediaTrackSupportedConstraints {
    return { deviceId: true, echoCancellation: true, noiseSuppression: true, autoGainControl: true };
  }

  getUserMedia(constraints?: MediaStreamConstraints): Promise<MediaStream> {
    this.requests.push(constraints ?? {});
    if (this.refuse) return Promise.reject(new DOMException('refused', this.refuse));
    const audio = constraints?.audio;
    if (!audio) return Promise.resolve(new FakeMediaStream());
    const inputs = this.devices.filter((d) => d.kind === 'audioinput');
    const wanted = typeof audio === 'object' ? exactId(audio.deviceId) : undefined;
    const device = wanted === undefined ? inputs[0] : inputs.find((d) => d.deviceId === wanted);
    if (!device) return Promise.reject(new DOMException(`no microphone ${wanted ?? ''}`, wanted ? 'OverconstrainedError' : 'NotFoundError'));
    const track = new FakeMediaStreamTrack('audio', device.label, device.deviceId);
    this.tracks.push(track);
    return Promise.resolve(new FakeMediaStream([track]));
  }

  private changed(): void {
    const ev = new Event('devicechange');
    this.dispatchEvent(ev);
    this.ondevicechange?.call(this, ev);
  }
}

function exactId(c: ConstrainDOMString | undefined): string | undefined {
  if (typeof c === 'string') return c;
  if (c && typeof c === 'object' && !Array.isArray(c) && typeof (c as ConstrainDOMStringParameters).exact === 'string') {
    return (c as ConstrainDOMStringParameters).exact as string;
  }
  return undefined;
}

/** `Storage` in memory (localStorage's interface). */
export class MemoryStorage implements Storage {
  [name: string]: unknown;
  private readonly items = new Map<string, string>();

  get length(): number {
    return this.items.size;
  }
  clear(): void {
    this.items.clear();
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
}
