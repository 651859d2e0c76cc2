import { CallView } from './call-view';
import { CustomerView } from './customer-view';
import { DevicesView } from './devices-view';
import { byId } from './dom';
import { LoginView } from './login-view';
import { i18n } from '../i18n/translator';
import { LanguagePicker } from './language-picker';
import { MissedCallsView } from './missed-calls-view';
import { QualityView } from './quality-view';
import { ScriptView } from './script-view';
import { isEditable, shortcutFor } from './shortcuts';
import { StatusView } from './status-view';
import { WrapUpView } from './wrap-up-view';

export interface SoftphoneViewDelegate {
  onLogout?(): void;
}

/** How long each phase of the flashing tab title lasts while a call rings. */
const TITLE_FLASH_MS = 1000;

/** The whole page: header badges, message line, sign-in vs workspace, and the keyboard shortcuts. */
export class SoftphoneView {
  delegate: SoftphoneViewDelegate | undefined;
  readonly login: LoginView;
  readonly status: StatusView;
  readonly call: CallView;
  readonly wrapUp: WrapUpView;
  readonly customer: CustomerView;
  readonly devices: DevicesView;
  readonly script: ScriptView;
  readonly quality: QualityView;
  readonly missed: MissedCallsView;
  readonly language: LanguagePicker;
  private readonly doc: Document;
  private readonly workspace: HTMLElement;
  private readonly operatorName: HTMLElement;
  private readonly sipStatus: HTMLElement;
  private readonly message: HTMLElement;
  private readonly logout: HTMLButtonElement;
  private titleTimer: ReturnType<typeof setInterval> | undefined;
  private registered = false;

  constructor(doc: Document) {
    this.doc = doc;
    this.login = new LoginView(doc);
    this.status = new StatusView(doc);
    this.call = new CallView(doc);
    this.wrapUp = new WrapUpView(doc);
    this.customer = new CustomerView(doc);
    this.devices = new DevicesView(doc);
    this.script = new ScriptView(doc);
    this.quality = new QualityView(doc);
    this.missed = new MissedCallsView(doc);
    this.language = new LanguagePicker(doc);
    i18n.onChange(() => this.setSipRegistered(this.registered));
    this.workspace = byId(doc, 'workspace', HTMLElement);
    this.operatorName = byId(doc, 'operator-name', HTMLElement);
    this.sipStatus = byId(doc, 'sip-status', HTMLElement);
    this.message = byId(doc, 'message', HTMLElement);
    this.logout = byId(doc, 'logout', HTMLButtonElement);
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
    this.registered = registered;
    this.sipStatus.textContent = i18n.t(registered ? 'sip.registered' : 'sip.unregistered');
    this.sipStatus.dataset.registered = String(registered);
  }

  /** An error (role=alert) or a notice; empty text hides it. */
  showMessage(text: string, kind: 'error' | 'info' = 'error'): void {
    this.message.textContent = text;
    this.message.classList.toggle('info', kind === 'info');
    this.message.hidden = text === '';
  }

  /** Title alert while ringing, flashing (alert / page title, once a second) so a background tab catches the eye. */
  setTitleAlert(text: string | undefined): void {
    clearInterval(this.titleTimer);
    this.titleTimer = undefined;
    const base = i18n.t('page.title');
    this.doc.title = text ? `${text} — ${base}` : base;
    if (!text) return;
    let on = true;
    this.titleTimer = setInterval(() => {
      on = !on;
      this.doc.title = on ? `${text} — ${base}` : base;
    }, TITLE_FLASH_MS);
  }

  /** After a panel closed under the focus, put the focus somewhere useful instead of <body>. */
  keepFocus(): void {
    const active = this.doc.activeElement;
    if (this.workspace.hidden) return;
    if (!active || active === this.doc.body || active.closest('[hidden]') !== null) this.status.select.focus();
  }
}
