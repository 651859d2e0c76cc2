import { byId } from './dom';

export interface LoginViewDelegate {
  onLogin?(username: string, password: string): void;
}

/** The sign-in form. */
export class LoginView {
  delegate: LoginViewDelegate | undefined;
  readonly section: HTMLElement;
  private readonly username: HTMLInputElement;
  private readonly password: HTMLInputElement;
  private readonly submit: HTMLButtonElement;

  constructor(doc: Document) {
    this.section = byId(doc, 'login-view', HTMLElement);
    this.username = byId(doc, 'login-username', HTMLInputElement);
    this.password = byId(doc, 'login-password', HTMLInputElement);
    this.submit = byId(doc, 'login-submit', HTMLButtonElement);
    byId(doc, 'login-form', HTMLFormElement).addEventListener('submit', (ev) => {
      ev.preventDefault();
      const username = this.username.value.trim();
      if (!username) return this.username.focus();
      if (!this.password.value) return this.password.focus();
      this.delegate?.onLogin?.(username, this.password.value);
    });
  }

  setBusy(busy: boolean): void {
    this.submit.disabled = busy;
    this.submit.textContent = busy ? 'Signing in…' : 'Sign in';
  }

  show(): void {
    this.section.hidden = false;
    this.password.value = '';
    this.setBusy(false);
    (this.username.value ? this.password : this.username).focus();
  }

  hide(): void {
    this.section.hidden = true;
    this.password.value = '';
  }
}
