import { CallView } from './call-view';
import { CustomerView } from './customer-view';
import { DevicesView } from './devices-view';
import { byId } from './dom';
import { LoginView } from './login-view';
import { isEditable, shortcutFor } from './shortcuts';
import { StatusView } from './status-view';
import { WrapUpView } from './wrap-up-view';

export interface SoftphoneViewDelegate {
  onLogout?(): void;
}

/** The whole page: header badges, message line, sign-in vs workspace, and the keyboard shortcuts. */
export class SoftphoneView {
  delegate: SoftphoneViewDelegate | undefined;
  readonly login: LoginView;
  readonly status: StatusView;
  readonly call: CallView;
  readonly wrapUp: WrapUpView;
  readonly customer: CustomerView;
  readonly devices: DevicesView;
  private readonly doc: Document;
  private readonly workspace: HTMLElement;
  private readonly operatorName: HTMLElement;
  private readonly sipStatus: HTMLElement;
  private readonly message: HTMLElement;
  private readonly logout: HTMLButtonElement;
  private readonly baseTitle: string;

  constructor(doc: Document) {
    this.doc = doc;
    this.login = new LoginView(doc);
    this.status = new StatusView(doc);
    this.call = new CallView(doc);
    this.wrapUp = new WrapUpView(doc);
    this.customer = new CustomerView(doc);
    this.devices = new DevicesView(doc);
    this.workspace = byId(doc, 'workspace', HTMLElement);
    this.operatorName = byId(doc, 'operator-name', HTMLElement);
    this.sipStatus = byId(doc, 'sip-status', HTMLElement);
    this.message = byId(doc, 'message', HTMLElement);
    this.logout = byId(doc, 'logout', HTMLButtonElement);
    this.baseTitle = doc.title;
    this.logout.addEventListener('click', () => this.delegate?.onLogout?.());
    doc.addEventListener('keydown', (ev) => {
      if (this.workspace.hidden || ev.repeat) return;
      const action = shortcutFor({ key: ev.key, ctrlKey: ev.ctrlKey, altKey: ev.altKey, metaKey: ev.metaKey, inEditable: isEditable(ev.target) });
      if (action && this.call.trigger(action)) ev.preventDefault();
    });
  }

  showLogin(): void {
    this.workspace.hidden = true;
    this.logout.hidden = true;
    this.operatorName.textContent = '';
    this.setSipRegistered(false);
    this.login.show();
  }

  showWorkspace(operatorName: string): void {
    this.login.hide();
    this.operatorName.textContent = operatorName;
    this.logout.hidden = false;
    this.workspace.hidden = false;
    this.status.select.focus();
  }

  setSipRegistered(registered: boolean): void {
    this.sipStatus.textContent = registered ? 'registered' : 'unregistered';
    this.sipStatus.dataset.registered = String(registered);
  }

  /** An error (role=alert) or a notice; empty text hides it. */
  showMessage(text: string, kind: 'error' | 'info' = 'error'): void {
    this.message.textContent = text;
    this.message.classList.toggle('info', kind === 'info');
    this.message.hidden = text === '';
  }

  /** Title alert while ringing, so the tab shows it too. */
  setTitleAlert(text: string | undefined): void {
    this.doc.title = text ? `${text} — ${this.baseTitle}` : this.baseTitle;
  }

  /** After a panel closed under the focus, put the focus somewhere useful instead of <body>. */
  keepFocus(): void {
    const active = this.doc.activeElement;
    if (this.workspace.hidden) return;
    if (!active || active === this.doc.body || active.closest('[hidden]') !== null) this.status.select.focus();
  }
}
