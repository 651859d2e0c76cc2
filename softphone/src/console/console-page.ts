/**
 * The supervisor console page: sign-in (no routing: the supervisor takes no calls here), the role
 * check (an operator is told the page is not for them), then the live stream — a snapshot on every
 * (re)connect, updates after it — and the actions.
 */
import { ApiError } from '../api/contract';
import type { ApiClient } from '../api/api-client';
import { LoginView } from '../ui/login-view';
import { byId } from '../ui/dom';
import type { ConsoleClient, OperatorStatus } from './console-client';
import { ConsoleState } from './console-state';
import { ConsoleView } from './console-view';

export interface ConsolePageOptions {
  doc: Document;
  api: ApiClient;
  client: ConsoleClient;
  now: () => number;
  openStream: (url: string) => EventSource;
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class ConsolePage {
  private readonly login: LoginView;
  private readonly view: ConsoleView;
  private readonly state = new ConsoleState();
  private readonly el;
  private stream: EventSource | undefined;
  private clock: ReturnType<typeof setInterval> | undefined;
  private signedIn = false;

  constructor(private readonly options: ConsolePageOptions) {
    const { doc } = options;
    this.login = new LoginView(doc);
    this.login.delegate = { onLogin: (u, p) => void this.signIn(u, p) };
    this.view = new ConsoleView(doc, options.now);
    this.view.delegate = {
      onMove: (callId, queue) => void this.act(`Moved the call to ${queue}.`, () => options.client.move(callId, queue)),
      onAssign: (callId, operatorId) => void this.act(`Gave the call to ${operatorId}.`, () => options.client.assign(callId, operatorId)),
      onPriority: (callId, priority) => void this.act(`Priority set to ${priority}.`, () => options.client.priority(callId, priority)),
      onOperatorStatus: (operatorId, value, label) => void this.act(`${label} — done.`, () => options.client.setOperatorStatus(operatorId, statusOf(value))),
    };
    this.el = {
      message: byId(doc, 'message', HTMLElement), operator: byId(doc, 'operator-name', HTMLElement), logout: byId(doc, 'logout', HTMLButtonElement),
      notAllowed: byId(doc, 'not-allowed', HTMLElement), notAllowedText: byId(doc, 'not-allowed-text', HTMLElement), workspace: byId(doc, 'workspace', HTMLElement),
    };
    this.el.logout.addEventListener('click', () => void this.signOut());
  }

  start(): void {
    this.login.show();
  }

  /** Ends the server session when the page goes away. */
  leave(): void {
    if (!this.signedIn) return;
    this.signedIn = false;
    this.closeStream();
    this.options.client.logout(true).catch((err: unknown) => console.warn('console: sign-out on leaving failed', err));
  }

  private async signIn(username: string, password: string): Promise<void> {
    this.login.setBusy(true);
    this.showMessage('');
    try {
      const result = await this.options.api.login(username, password, { routing: false });
      this.signedIn = true;
      this.login.hide();
      this.el.operator.textContent = result.operator.name;
      this.el.logout.hidden = false;
      try {
        await this.options.client.console(); // the role check, before the stream
      } catch (err) {
        if (err instanceof ApiError && err.status === 403) {
          this.el.notAllowedText.textContent = `The supervisor console is for supervisors and admins (the server says: ${err.message}). Open the softphone instead.`;
          this.el.notAllowed.hidden = false;
          return;
        }
        throw err;
      }
      this.view.setPauseReasons((await this.options.api.me()).pauseReasons);
      this.el.workspace.hidden = false;
      this.openStream();
      this.clock = setInterval(() => this.view.tick(), 1000);
    } catch (err) {
      this.login.setBusy(false);
      if (!this.signedIn) this.login.show();
      this.showMessage(err instanceof ApiError && err.code === 'ERR_BAD_CREDENTIALS' ? 'Wrong username or password.' : describe(err));
    }
  }

  private openStream(): void {
    this.closeStream();
    const stream = this.options.openStream(this.options.client.eventsUrl());
    this.stream = stream;
    this.view.setConnection('reconnecting');
    stream.addEventListener('snapshot', (ev) => {
      this.state.snapshot(JSON.parse((ev as MessageEvent<string>).data));
      this.view.setConnection('live');
      this.view.render(this.state);
    });
    stream.addEventListener('update', (ev) => {
      this.state.update(JSON.parse((ev as MessageEvent<string>).data));
      this.view.render(this.state);
    });
    stream.addEventListener('error', () => {
      // EventSource reconnects by itself (a snapshot comes first); CLOSED means the server refused it
      this.state.disconnected();
      this.view.setConnection(stream.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    });
  }

  private closeStream(): void {
    this.stream?.close();
    this.stream = undefined;
    clearInterval(this.clock);
    this.clock = undefined;
  }

  private async act(done: string, action: () => Promise<void>): Promise<void> {
    this.showMessage('');
    try {
      await action();
      this.showMessage(done, 'ok');
    } catch (err) {
      this.showMessage(`Not done: ${describe(err)}`);
    }
  }

  private async signOut(): Promise<void> {
    this.signedIn = false;
    this.closeStream();
    try {
      await this.options.client.logout();
    } catch (err) {
      console.warn('console: sign-out failed', err);
    }
    this.options.api.logout();
    for (const el of [this.el.workspace, this.el.notAllowed, this.el.logout]) el.hidden = true;
    this.el.operator.textContent = '';
    this.showMessage('');
    this.login.show();
  }

  private showMessage(text: string, kind: 'error' | 'ok' = 'error'): void {
    this.el.message.textContent = text;
    this.el.message.dataset.kind = kind;
    this.el.message.hidden = text === '';
  }
}

function statusOf(value: string): OperatorStatus {
  if (value === 'available' || value === 'offline') return { status: value };
  return { status: 'paused', reason: value.slice('paused:'.length) };
}
