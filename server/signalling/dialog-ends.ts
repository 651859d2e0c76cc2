import type Srf from 'drachtio-srf';

interface DialogLike {
  type?: string;
  sip?: { callId?: string };
}

/**
 * Calls `listener(callId)` whenever a UAS dialog ends — a BYE from either side, or a dialog we
 * destroyed. drachtio-srf has no event for it, but every path of ending a dialog goes through
 * `srf.removeDialog(dialog)`, so that method is wrapped (once per listener).
 */
export function onUasDialogEnd(srf: Srf, listener: (callId: string) => void): void {
  const registry = srf as unknown as { removeDialog(dialog: DialogLike): void };
  const original = registry.removeDialog.bind(srf);
  registry.removeDialog = (dialog: DialogLike) => {
    original(dialog);
    const callId = dialog.sip?.callId;
    if (dialog.type === 'uas' && callId) listener(callId);
  };
}
