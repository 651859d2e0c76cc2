import type { DtmfTone } from '../sip/sip-call';

export type ShortcutAction =
  | { kind: 'answer' }
  | { kind: 'decline' }
  | { kind: 'hangup' }
  | { kind: 'hold' }
  | { kind: 'mute' }
  | { kind: 'dtmf'; tone: DtmfTone };

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  /** The focused element takes text or makes choices from typed letters (input, textarea, select). */
  inEditable: boolean;
}

/**
 * Letter → action. During a call the live keys are X, H, M and the keypad: hang-up (X, bottom row
 * left) touches none of the others on a QWERTY or QWERTZ keyboard (its neighbours S D Z C are dead
 * during a call), so a slip off Hold (H) or Mute (M) never ends the call. D declines only while ringing.
 */
export const SHORTCUT_KEYS: Readonly<Record<string, Exclude<ShortcutAction['kind'], 'dtmf'>>> = { a: 'answer', d: 'decline', x: 'hangup', h: 'hold', m: 'mute' };

/**
 * The global shortcuts: A answer, D decline, X hang up, H hold/resume, M mute, 0–9 * # keypad.
 * Ignored with Ctrl/Alt/Meta (browser shortcuts stay intact) and while typing in a field.
 */
export function shortcutFor(press: KeyPress): ShortcutAction | undefined {
  if (press.ctrlKey || press.altKey || press.metaKey || press.inEditable) return undefined;
  const letter = SHORTCUT_KEYS[press.key.toLowerCase()];
  if (letter && press.key.length === 1) return { kind: letter } as ShortcutAction;
  if (/^[0-9*#]$/.test(press.key)) return { kind: 'dtmf', tone: press.key as DtmfTone };
  return undefined;
}

/** Whether the element receiving the key takes typed characters itself. */
export function isEditable(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') {
    const type = ((el as HTMLInputElement).type || 'text').toLowerCase();
    return !['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file'].includes(type);
  }
  return el.isContentEditable === true;
}
