import { Registerer, RegistererState, UserAgent, Web, type Invitation, type LogLevel } from 'sip.js';
import { InvalidStateError } from '../errors';
import { parseCallInfo } from './call-info';
import { ConsultCall } from './consult-call';
import { SipCall } from './sip-call';

export interface SipAccountOptions {
  uri: string;
  authorizationUsername: string;
  authorizationPassword: string;
  /** ws:// or wss:// URL of the SIP engine's WebSocket listener. */
  wsServer: string;
  iceServers?: RTCIceServer[];
}

export interface SipPhoneOptions {
  account: SipAccountOptions;
  /** Opens the chosen microphone for a call (sip.js calls it when answering). */
  openMicrophone: () => Promise<MediaStream>;
  /** REGISTER expiry, seconds; default 300 (sip.js refreshes before it runs out). */
  registerExpires?: number;
  /** Delays before reconnecting a dropped WebSocket, ms; the last one repeats. */
  reconnectDelaysMs?: number[];
  /**
   * This device's `+sip.instance` (a UUID, RFC 5626), sent with `reg-id=1` on REGISTER: the registrar
   * replaces the binding a previous page load of the same tab left (see `tabInstanceId`).
   */
  instanceId?: string;
  logLevel?: LogLevel;
}

const INSTANCE_KEY = 'switchboard.sip.instance';

/**
 * The tab's SIP instance id: kept in sessionStorage, so a reload of the tab registers as the same
 * device (its old, dead binding is replaced at once) while another tab is another device. Undefined
 * where there is no sessionStorage.
 */
export function tabInstanceId(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined = globalThis.sessionStorage): string | undefined {
  if (!storage) return undefined;
  try {
    const kept = storage.getItem(INSTANCE_KEY);
    if (kept && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(kept)) return kept;
    const id = globalThis.crypto.randomUUID();
    storage.setItem(INSTANCE_KEY, id);
    return id;
  } catch {
    return undefined; // storage refused (private mode): a reload is then a new device, as before
  }
}

export interface SipPhoneDelegate {
  onRegistration?(registered: boolean): void;
  /** An INVITE arrived. Return false to refuse it with 486 Busy Here. */
  onIncomingCall?(call: SipCall): boolean;
}

/** The operator's SIP user agent: WebSocket transport, registration, incoming calls. No DOM. */
export class SipPhone {
  delegate: SipPhoneDelegate | undefined;
  private readonly ua: UserAgent;
  private readonly registerer: Registerer;
  private readonly delays: number[];
  private connected = false;
  private wasRegistered = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private state: 'new' | 'started' | 'stopped' = 'new';

  constructor(options: SipPhoneOptions) {
    const uri = UserAgent.makeURI(options.account.uri);
    if (!uri) throw new InvalidStateError(`not a SIP URI: ${options.account.uri}`);
    this.delays = options.reconnectDelaysMs ?? [1000, 2000, 5000, 10000, 30000];
    this.ua = new UserAgent({
      uri,
      authorizationUsername: options.account.authorizationUsername,
      authorizationPassword: options.account.authorizationPassword,
      transportOptions: { server: options.account.wsServer },
      userAgentString: 'Switchboard softphone',
      logLevel: options.logLevel ?? 'warn',
      sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory(() => options.openMicrophone()),
      sessionDescriptionHandlerFactoryOptions: {
        peerConnectionConfiguration: { iceServers: options.account.iceServers ?? [] },
        iceGatheringTimeout: 2000,
      },
      delegate: {
        onConnect: () => this.onConnect(),
        onDisconnect: (error) => this.onDisconnect(error),
        onInvite: (invitation) => this.onInvite(invitation),
      },
    });
    this.registerer = new Registerer(this.ua, {
      expires: options.registerExpires ?? 300,
      ...(options.instanceId ? { instanceId: options.instanceId, regId: 1 } : {}),
    });
    this.registerer.stateChange.addListener(() => this.report());
  }

  get registered(): boolean {
    return this.connected && this.registerer.state === RegistererState.Registered;
  }

  /**
   * A consultation about the call `aboutCallId`: a new call from this user agent to `target` (an
   * operator's SIP user). Call `start()` on the result after setting its delegate.
   */
  consult(target: string, aboutCallId: string): ConsultCall {
    if (this.state !== 'started') throw new InvalidStateError('the SIP phone is not started');
    return new ConsultCall(this.ua, target, aboutCallId);
  }

  /** Connects and registers; a failed connection is retried in the background (see `onRegistration`). */
  async start(): Promise<void> {
    if (this.state === 'stopped') throw new InvalidStateError('the SIP phone is stopped');
    if (this.state === 'started') return;
    this.state = 'started';
    await this.ua.start().catch(() => undefined); // onDisconnect schedules the retry
  }

  /** Unregisters (best effort) and closes the transport. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasStarted = this.state === 'started';
    this.state = 'stopped';
    clearTimeout(this.timer);
    if (wasStarted && this.registered) {
      await Promise.race([this.registerer.unregister().catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    }
    await this.registerer.dispose().catch(() => undefined);
    await this.ua.stop().catch(() => undefined);
    this.connected = false;
    this.report();
  }

  private onConnect(): void {
    this.connected = true;
    this.attempt = 0;
    void this.registerer.register().catch(() => undefined);
    this.report();
  }

  private onDisconnect(error?: Error): void {
    this.connected = false;
    this.report();
    if (this.state !== 'started' || this.timer !== undefined) return;
    void error; // clean or not, an operator's phone must come back
    const delay = this.delays[Math.min(this.attempt, this.delays.length - 1)];
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state === 'started') void this.ua.reconnect().catch(() => undefined);
    }, delay);
  }

  private onInvite(invitation: Invitation): void {
    const request = invitation.request;
    const info = parseCallInfo((name) => request.getHeader(name), {
      sipCallId: request.callId,
      fromUser: invitation.remoteIdentity.uri.user ?? '',
    });
    const call = new SipCall(invitation, info);
    const accepted = this.delegate?.onIncomingCall?.(call) ?? false;
    if (!accepted) {
      void invitation.reject({ statusCode: 486, reasonPhrase: 'Busy Here' }).catch(() => undefined);
    }
    // sip.js has already sent 180 Ringing (sendInitialProvisionalResponse)
  }

  private report(): void {
    const now = this.registered;
    if (now === this.wasRegistered) return;
    this.wasRegistered = now;
    this.delegate?.onRegistration?.(now);
  }
}
