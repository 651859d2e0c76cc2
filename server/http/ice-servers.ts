/**
 * The STUN/TURN servers handed to the softphone at sign-in (`webrtc.iceServers`). A TURN server
 * configured with a shared `secret` gets time-limited credentials per sign-in, following the TURN
 * REST API convention (coturn's `use-auth-secret`): username = "<expiry unix seconds>:<operator id>",
 * credential = base64(HMAC-SHA1(secret, username)).
 */
import { createHmac } from 'node:crypto';
import type { WebrtcConfig } from '../../config';

/** An `RTCIceServer` as the page receives it. */
export interface IceServerJson {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** The ICE servers for `operatorId` signing in at `nowMs`. */
export function iceServersFor(webrtc: WebrtcConfig, operatorId: string, nowMs: number): IceServerJson[] {
  return webrtc.iceServers.map((s) => {
    if (s.secret !== undefined) {
      const username = `${Math.floor(nowMs / 1000) + s.ttlSeconds}:${operatorId}`;
      return { urls: s.urls, username, credential: createHmac('sha1', s.secret).update(username).digest('base64') };
    }
    return { urls: s.urls, ...(s.username !== undefined ? { username: s.username } : {}), ...(s.credential !== undefined ? { credential: s.credential } : {}) };
  });
}
