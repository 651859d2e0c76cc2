/** What the operator sees of an offered call: from the INVITE's X-Switchboard-* headers. Pure. */
export interface CallInfo {
  /** Switchboard's call id (X-Switchboard-Call-Id); the SIP Call-ID when the header is missing. */
  callId: string;
  /** The queue the call waited in (X-Switchboard-Queue). */
  queue: string;
  /** The caller's number (X-Switchboard-Caller, else the From user). */
  caller: string;
  /** Seconds the caller waited before reaching the operator (X-Switchboard-Wait). */
  waitSeconds: number;
  /** A consultation: the operator who calls about their call (X-Switchboard-Consult-From). */
  consultFrom?: string;
}

export const CALL_HEADERS = {
  callId: 'X-Switchboard-Call-Id',
  queue: 'X-Switchboard-Queue',
  caller: 'X-Switchboard-Caller',
  wait: 'X-Switchboard-Wait',
  consultFrom: 'X-Switchboard-Consult-From',
} as const;

/**
 * Reads the call's details. `header` returns a header's value (case-insensitive) or undefined;
 * `fallback` carries the SIP Call-ID and From user for INVITEs without our headers.
 */
export function parseCallInfo(
  header: (name: string) => string | undefined,
  fallback: { sipCallId: string; fromUser: string },
): CallInfo {
  const text = (name: string) => {
    const v = header(name)?.trim();
    return v ? v : undefined;
  };
  const wait = Number.parseFloat(text(CALL_HEADERS.wait) ?? '');
  const consultFrom = text(CALL_HEADERS.consultFrom);
  return {
    ...(consultFrom ? { consultFrom } : {}),
    callId: text(CALL_HEADERS.callId) ?? fallback.sipCallId,
    queue: text(CALL_HEADERS.queue) ?? '',
    caller: text(CALL_HEADERS.caller) ?? fallback.fromUser,
    waitSeconds: Number.isFinite(wait) && wait >= 0 ? Math.round(wait) : 0,
  };
}
