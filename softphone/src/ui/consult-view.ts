import type { ConsultState } from '../app/consult-machine';
import { byId } from './dom';

export interface ConsultViewModel {
  state: ConsultState;
  /** The colleague, as the operator chose them ("Bob"). */
  label: string;
}

export interface ConsultViewDelegate {
  onComplete?(): void;
  onCancel?(): void;
  onConference?(): void;
}

/** The consultation panel (the colleague's state; Complete transfer, Conference, Cancel) and the conference line. View only. */
export class ConsultView {
  delegate: ConsultViewDelegate | undefined;
  private readonly panel: HTMLElement;
  private readonly status: HTMLElement;
  private readonly conferenceLine: HTMLElement;
  private readonly complete: HTMLButtonElement;
  private readonly conference: HTMLButtonElement;
  private readonly cancel: HTMLButtonElement;

  constructor(doc: Document) {
    this.panel = byId(doc, 'consult-panel', HTMLElement);
    this.status = byId(doc, 'consult-state', HTMLElement);
    this.conferenceLine = byId(doc, 'conference-status', HTMLElement);
    this.complete = byId(doc, 'consult-complete', HTMLButtonElement);
    this.conference = byId(doc, 'consult-conference', HTMLButtonElement);
    this.cancel = byId(doc, 'consult-cancel', HTMLButtonElement);
    this.complete.addEventListener('click', () => this.delegate?.onComplete?.());
    this.conference.addEventListener('click', () => this.delegate?.onConference?.());
    this.cancel.addEventListener('click', () => this.delegate?.onCancel?.());
  }

  render(model: ConsultViewModel): void {
    const { state, label } = model;
    const who = label || 'the colleague';
    const shown = state !== 'none' && state !== 'conference';
    this.panel.hidden = !shown;
    this.panel.dataset.state = state;
    this.status.textContent = STATUS[state](who);
    this.complete.disabled = state !== 'talking';
    this.conference.disabled = state !== 'talking';
    this.cancel.disabled = !(state === 'dialing' || state === 'ringing' || state === 'talking');
    this.conferenceLine.hidden = state !== 'conference';
    this.conferenceLine.textContent = state === 'conference' ? `Conference: you, the caller and ${who}` : '';
    if (state === 'talking') this.complete.focus();
    else if (state === 'dialing') this.cancel.focus();
  }
}

const STATUS: Record<ConsultState, (who: string) => string> = {
  none: () => '',
  holding: () => 'Putting the caller on hold…',
  dialing: (who) => `Calling ${who}… the caller hears music.`,
  ringing: (who) => `${who}'s phone is ringing… the caller hears music.`,
  talking: (who) => `Talking with ${who}. The caller is on hold and hears music.`,
  completing: (who) => `Handing the caller to ${who}…`,
  conferencing: () => 'Joining everyone in a conference…',
  conference: () => '',
};
