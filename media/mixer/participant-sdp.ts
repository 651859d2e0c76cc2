import type { G711Codec } from '../testing/g711';
import { G711_PT } from './g711-tables';

/** The payload type the mixer offers for RFC 4733 telephone-event. */
export const TELEPHONE_EVENT_PT = 101;

export interface ParticipantSdpOptions {
  address: string;
  port: number;
  codec: G711Codec;
  ptime: number;
  /** The o= session id, fixed for the participant's lifetime. */
  sessionId: string;
}

/**
 * A plain RTP/AVP SDP for one mixer participant: its G.711 law, telephone-event 0-15, its
 * ptime, sendrecv. Usable as an offer (e.g. towards rtpengine's trunk profile) or as an answer.
 */
export function participantSdp(o: ParticipantSdpOptions): string {
  const family = o.address.includes(':') ? 'IP6' : 'IP4';
  const pt = G711_PT[o.codec];
  return [
    'v=0',
    `o=- ${o.sessionId} 1 IN ${family} ${o.address}`,
    's=switchboard-mixer',
    `c=IN ${family} ${o.address}`,
    't=0 0',
    `m=audio ${o.port} RTP/AVP ${pt} ${TELEPHONE_EVENT_PT}`,
    `a=rtpmap:${pt} ${o.codec}/8000`,
    `a=rtpmap:${TELEPHONE_EVENT_PT} telephone-event/8000`,
    `a=fmtp:${TELEPHONE_EVENT_PT} 0-15`,
    `a=ptime:${o.ptime}`,
    'a=sendrecv',
    '',
  ].join('\r\n');
}
