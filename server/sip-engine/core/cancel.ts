import { SipRequest } from '../message/message';

/** The CANCEL of an INVITE we sent (RFC 3261 §9.1): same top Via, Request-URI, Route set, Call-ID, From, To and CSeq number. */
export function buildCancel(invite: SipRequest): SipRequest {
  const cancel = new SipRequest('CANCEL', invite.uri);
  cancel.append('Via', invite.getAll('via')[0]!);
  for (const r of invite.getAll('route')) cancel.append('Route', r);
  cancel.append('From', invite.get('from')!).append('To', invite.get('to')!).append('Call-ID', invite.callId);
  cancel.append('CSeq', `${invite.cseq.seq} CANCEL`).append('Max-Forwards', '70');
  return cancel;
}
