import type { ApiClient } from '../api/api-client';
import type { LoginResult, OperatorState, StatusRequest } from '../api/contract';
import { EventStream } from '../api/event-stream';
import { AudioOutput, SoundPlayer } from '../devices/audio-output';
import type { DeviceRole } from '../devices/device-choice';
import { DeviceManager, type DeviceListing, type DeviceStorage } from '../devices/device-manager';
import { MicLevelMeter } from '../devices/level-meter';
import { SipPhone, tabInstanceId } from '../sip/sip-phone';
import type { SoftphoneView } from '../ui/softphone-view';
import { CallController } from './call-controller';
import { CustomerController } from './customer-controller';
import { i18n } from '../i18n/translator';
import type { CallInfo } from '../sip/call-info';
import { stateNotice, type OfferEnd } from './desk-notices';
import { Notifier } from './notifier';
import { QualityMonitor } from './quality-monitor';
import { ScriptController } from './script-controller';
import { WrapUpClock } from './wrap-up-clock';

export interface SoftphoneAppOptions {
  view: SoftphoneView;
  api: ApiClient;
  mediaDevices: MediaDevices;
  storage: DeviceStorage;
  /** The three audio elements: caller audio, ringtone, test tone. */
  outputs: { speaker: HTMLMediaElement; ringer: HTMLMediaElement; test: HTMLMediaElement };
  notifications: typeof Notification | undefined;
  focusWindow: () => void;
  createAudioContext: () => AudioContext;
}

/** What exists while an operator is signed in; `close` releases all of it. */
interface Session {
  login: LoginResult;
  devices: DeviceManager;
  calls: CallController;
  sip: SipPhone | undefined;
  events: EventStream | undefined;
  audio: AudioContext;
  sounds: SoundPlayer;
  meter: { stream: MediaStream; meter: MicLevelMeter } | undefined;
  meterTimer: ReturnType<typeof setInterval>;
  state: OperatorState | undefined;
  /** The wrap-up countdown and Extend. */
  clock: WrapUpClock;
  /** How the last offer ended on this page (declined, or stopped ringing), until the next one rings. */
  offerEnd: OfferEnd;
  testing: Set<'speaker' | 'ringer'>;
  closed: boolean;
  /** The call script beside the call. */
  script: ScriptController;
  /** The live call quality line. */
  quality: QualityMonitor;
  /** The last call offered here (for the missed-calls list). */
  offered: CallInfo | undefined;
}

/** The missed-calls list keeps this many entries of the shift. */
const MAX_MISSED_CALLS = 100;

/** Composition of API, devices, SIP and view: sign-in, status, devices, calls, sign-out. */
export class SoftphoneApp {
  private readonly o: SoftphoneAppOptions;
  private readonly speaker: AudioOutput;
  private readonly ringer: AudioOutput;
  private readonly tester: AudioOutput;
  private readonly notifier: Notifier;
  private session: Session | undefined;

  constructor(options: SoftphoneAppOptions) {
    this.o = options;
    this.speaker = new AudioOutput(options.outputs.speaker);
    this.ringer = new AudioOutput(options.outputs.ringer);
    this.tester = new AudioOutput(options.outputs.test);
    this.notifier = new Notifier(options.notifications, options.focusWindow);
    const { view } = options;
    view.delegate = { onLogout: () => void this.logout() };
    view.login.delegate = { onLogin: (u, p) => void this.login(u, p) };
    view.status.delegate = { onStatus: (r) => void this.setStatus(r) };
    view.devices.delegate = {
      onDevice: (role, id) => this.chooseDevice(role, id),
      onTestSpeaker: () => void this.test('speaker'),
      onTestRinger: () => void this.test('ringer'),
    };
  }

  get signedIn(): boolean {
    return this.session !== undefined;
  }

  /** True while a call or its wrap-up is in progress (the page warns before unloading). */
  get busy(): boolean {
    return this.session !== undefined && this.session.calls.state !== 'idle';
  }

  start(): void {
    this.o.view.showLogin();
  }

  async login(username: string, password: string): Promise<void> {
    const { view, api } = this.o;
    if (this.session) return;
    view.showMessage('');
    view.login.setBusy(true);
    // created in the click's user activation, so sounds may play later
    const audio = this.o.createAudioContext();
    let login: LoginResult;
    try {
      login = await api.login(username, password);
    } catch (error) {
      void audio.close();
      view.login.setBusy(false);
      const code = (error as { code?: string }).code;
      view.showMessage(code === 'ERR_BAD_CREDENTIALS' ? 'Wrong username or password.' : `Sign-in failed: ${(error as Error).message}`);
      view.login.show();
      return;
    }
    this.notifier.requestPermission();
    const sounds = new SoundPlayer(audio);
    const devices = new DeviceManager({ mediaDevices: this.o.mediaDevices, storage: this.o.storage });
    const session: Session = {
      login, devices, audio, sounds, sip: undefined, events: undefined, meter: undefined, state: undefined,
      testing: new Set(), closed: false, offerEnd: undefined, offered: undefined,
      script: new ScriptController(view.script, (queue) => api.callScript(queue)),
      quality: new QualityMonitor({ view: view.quality, warn: (text) => view.showMessage(text) }),
      clock: new WrapUpClock({
        view: view.wrapUp, extend: () => api.extendWrapUp(), onOperatorState: (s) => this.operatorState(s),
        showMessage: (text, kind) => view.showMessage(text, kind),
      }),
      meterTimer: setInterval(() => view.devices.setLevel(session.meter?.meter.level() ?? 0), 100),
      calls: new CallController({
        view, api, speaker: this.speaker, ringer: this.ringer, notifier: this.notifier,
        sounds: () => sounds,
        customers: new CustomerController(view.customer, api, (card) => session.script.customer(card.customer?.name)),
        onOperatorState: (s) => this.operatorState(s),
        onTransition: (to, from, event) => {
          if (to === 'ringing') session.offerEnd = undefined;
          else if (to === 'idle' && (from === 'ringing' || from === 'connecting')) session.offerEnd = event === 'decline' ? 'declined' : 'stopped';
          this.companions(session, to, from);
        },
        dialConsult: (target, about) => {
          if (!session.sip) throw new Error('the SIP phone is not connected');
          return session.sip.consult(target, about);
        },
      }),
    };
    view.wrapUp.extendDelegate = { onExtend: () => void session.clock.extend() };
    this.session = session;
    view.showWorkspace(login.operator.name);

    devices.delegate = { onChange: (listing, changed) => void this.devicesChanged(session, listing, changed) };
    await Promise.all([
      this.loadOperator(),
      devices.start().catch((error) => {
        view.showMessage(`No microphone: ${(error as Error).message}. Calls cannot be answered until one is allowed.`);
      }),
    ]);
    if (session.closed) return;
    this.openEvents(session);
    this.startSip(session);
  }

  async logout(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    session.closed = true;
    await session.calls.close();
    await this.o.api.setStatus({ status: 'offline' }).catch(() => undefined); // best effort: the server times us out anyway
    await this.closeSession(session);
    this.o.api.logout();
    this.o.view.showMessage('');
    this.o.view.status.setState({ status: 'offline', since: Date.now() });
    this.o.view.showLogin();
  }

  /** Page is going away: release without waiting for the server. */
  shutdown(): void {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    session.closed = true;
    void session.calls.close();
    void this.closeSession(session);
  }

  private async closeSession(session: Session): Promise<void> {
    clearInterval(session.meterTimer);
    session.clock.stop();
    session.quality.stop();
    session.script.clear();
    this.o.view.missed.clear();
    session.events?.close();
    session.meter?.meter.close();
    for (const t of session.meter?.stream.getTracks() ?? []) t.stop();
    session.devices.close();
    this.ringer.stop();
    this.tester.stop();
    await session.sip?.stop();
    await session.audio.close().catch(() => undefined);
  }

  /** What goes along with a call: the script from ringing to wrap-up, the quality line while it runs. */
  private companions(session: Session, to: string, from: string): void {
    const info = session.calls.callInfo;
    if (to === 'ringing') {
      session.offered = info;
      if (info && !info.consultFrom) session.script.show({ queue: info.queue, caller: info.caller });
      else session.script.clear();
    }
    if (to === 'on-call' && from === 'connecting') session.quality.start(session.calls.current?.peerConnection);
    if (to === 'wrap-up' || to === 'idle') session.quality.stop();
    if (to === 'idle') session.script.clear();
  }

  private async loadOperator(): Promise<void> {
    try {
      const me = await this.o.api.me();
      this.o.view.wrapUp.setDispositions(me.dispositions);
      this.o.view.status.setPauseReasons(me.pauseReasons);
      this.session?.clock.setStep(me.wrapUp?.extendSeconds);
      this.operatorState(me.state);
    } catch (error) {
      this.o.view.showMessage(`Could not load the operator: ${(error as Error).message}`);
    }
  }

  private openEvents(session: Session): void {
    const { view, api } = this.o;
    session.events = new EventStream(api.eventsUrl(), {
      onOperatorState: (s) => this.operatorState(s),
      onCall: (notice) => session.calls.notice(notice),
      onError: (_error, closed) => {
        if (closed && !session.closed) view.showMessage('The live connection to the server closed; sign in again.');
      },
    });
  }

  private startSip(session: Session): void {
    const { view } = this.o;
    const instanceId = tabInstanceId();
    const sip = new SipPhone({ account: session.login.sip, openMicrophone: () => session.devices.openMicrophone(), ...(instanceId ? { instanceId } : {}) });
    sip.delegate = {
      onRegistration: (registered) => {
        if (!session.closed) view.setSipRegistered(registered);
      },
      onIncomingCall: (call) => !session.closed && session.calls.offer(call),
    };
    session.sip = sip;
    void sip.start();
  }

  private operatorState(state: OperatorState): void {
    const session = this.session;
    const { view } = this.o;
    const previous = session?.state?.status;
    if (session) session.state = state;
    view.status.setState(state);
    if (!session) return;
    session.clock.state(state);
    const notice = stateNotice(previous, state, session.offerEnd, (reason) => view.status.labelOf(reason));
    if (notice?.kind === 'clear') view.showMessage('');
    if (notice?.kind === 'show') {
      view.showMessage(notice.text, notice.level);
      if (notice.chime) void session.sounds.playMissedCall(this.tester);
      const offered = session.offered;
      view.missed.add({ at: Date.now(), caller: offered?.caller ?? '', queue: offered?.queue ?? '', how: notice.missed }, MAX_MISSED_CALLS);
      // a call that rang out paused the operator: tell them even when the tab is in the background
      if (notice.missed === 'rangOut') {
        const caller = offered?.caller || i18n.t('alert.unknownCaller');
        this.notifier.show(i18n.t('alert.missed'), i18n.t('alert.missedBody', { caller, queue: offered?.queue || '—', what: i18n.t('missed.rangOut') }), `missed-${offered?.callId ?? ''}`);
      }
    }
    if (previous === 'wrap-up' && state.status !== 'wrap-up') void this.wrapUpTimedOut(session);
  }

  /**
   * The server ended the wrap-up by itself (its time ran out) while the form may still be open.
   * Nothing typed is dropped silently: a chosen disposition is sent with the notes (the server
   * takes it for the call just handled); without one the page says the notes were not saved and
   * shows them, so they can be copied.
   */
  private async wrapUpTimedOut(session: Session): Promise<void> {
    const { view } = this.o;
    const { calls } = session;
    if (calls.state !== 'wrap-up' || view.wrapUp.busy) return; // not open, or our own submission ended it
    const draft = view.wrapUp.draft();
    if (draft.disposition) {
      await calls.submitWrapUp(draft.disposition, draft.notes);
      const saved: boolean = calls.machine.state === 'idle';
      if (saved) {
        view.showMessage(`Wrap-up time ran out; your disposition (${draft.disposition})${draft.notes ? ' and notes were' : ' was'} saved.`, 'info');
        return;
      }
      calls.serverLeftWrapUp();
      view.showMessage(`Wrap-up time ran out and your disposition${draft.notes ? ` and notes were NOT saved. Your notes: "${draft.notes}"` : ' was NOT saved.'}`);
      return;
    }
    calls.serverLeftWrapUp();
    if (draft.notes) view.showMessage(`Wrap-up time ran out before a disposition was chosen: your notes were NOT saved. Your notes: "${draft.notes}"`);
    else view.showMessage('Wrap-up time ran out; no disposition was recorded for the call.', 'info');
  }

  private async setStatus(request: StatusRequest): Promise<void> {
    const session = this.session;
    if (!session) return;
    const { view } = this.o;
    view.status.setBusy(true);
    try {
      this.operatorState(await this.o.api.setStatus(request));
      view.showMessage('');
    } catch (error) {
      view.showMessage(`Status not changed: ${(error as Error).message}`);
      if (session.state) view.status.setState(session.state);
    } finally {
      view.status.setBusy(false);
    }
  }

  private chooseDevice(role: DeviceRole, deviceId: string): void {
    try {
      this.session?.devices.choose(role, deviceId);
    } catch (error) {
      this.o.view.showMessage((error as Error).message);
    }
  }

  /** Applies the effective devices: outputs via setSinkId, the microphone via a new track (the call goes on). */
  private async devicesChanged(session: Session, listing: DeviceListing, changed: DeviceRole[]): Promise<void> {
    const { view } = this.o;
    view.devices.render(listing, this.speaker.canChooseDevice);
    const jobs: Array<Promise<unknown>> = [];
    if (changed.includes('speaker')) {
      jobs.push(this.speaker.setDevice(listing.selected.speaker), this.tester.setDevice(listing.selected.speaker));
    }
    if (changed.includes('ringer')) jobs.push(this.ringer.setDevice(listing.selected.ringer));
    if (changed.includes('microphone')) jobs.push(this.switchMicrophone(session));
    const failed = (await Promise.allSettled(jobs)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed && !session.closed) view.showMessage(`Audio device not switched: ${(failed.reason as Error).message}`);
  }

  private async switchMicrophone(session: Session): Promise<void> {
    const stream = await session.devices.openMicrophone();
    if (session.closed) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    const old = session.meter;
    session.meter = { stream, meter: new MicLevelMeter(session.audio, stream) };
    old?.meter.close();
    for (const t of old?.stream.getTracks() ?? []) t.stop();
    const call = session.calls.current;
    if (call && !call.isEnded) {
      const track = await session.devices.openMicrophone();
      await call.replaceMicrophone(track.getAudioTracks()[0]);
    }
  }

  private async test(which: 'speaker' | 'ringer'): Promise<void> {
    const session = this.session;
    if (!session || session.testing.has(which)) return;
    session.testing.add(which);
    this.o.view.devices.setTesting(which, true);
    try {
      if (which === 'speaker') {
        await session.sounds.playTestTone(this.tester);
      } else {
        const stop = session.sounds.ring(this.ringer);
        await new Promise((r) => setTimeout(r, 3000));
        stop();
      }
    } finally {
      session.testing.delete(which);
      this.o.view.devices.setTesting(which, false);
    }
  }
}
