import { WebSocket } from 'ws';
import {
  Inviter, SessionState, UserAgent,
  type BodyAndContentType, type SessionDescriptionHandler, type SessionDescriptionHandlerFactory,
} from 'sip.js';

// sip.js expects the browser's WebSocket; in Node the `ws` package provides it
(globalThis as unknown as { WebSocket: unknown }).WebSocket = WebSocket;

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':');

/** The audio section both sides agree on: WebRTC profile, ICE and DTLS attributes, no candidates. */
function audioSection(o: { mid: string; payloads: Array<[number, string]>; direction: string; setup: string }): string {
  return [
    `m=audio 9 UDP/TLS/RTP/SAVPF ${o.payloads.map(([pt]) => pt).join(' ')}`,
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:swbd',
    'a=ice-pwd:switchboardswitchboard00',
    `a=fingerprint:sha-256 ${FINGERPRINT}`,
    `a=setup:${o.setup}`,
    `a=mid:${o.mid}`,
    `a=${o.direction}`,
    'a=rtcp-mux',
    ...o.payloads.map(([pt, codec]) => `a=rtpmap:${pt} ${codec}`),
  ].join('\r\n');
}

function session(mid: string, version: number, media: string): string {
  return ['v=0', `o=- 1700000000 ${version} IN IP4 127.0.0.1`, 's=-', 't=0 0', `a=group:BUNDLE ${mid}`, 'a=msid-semantic: WMS', media, ''].join('\r\n');
}

const FLIP: Record<string, string> = { sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive', sendrecv: 'sendrecv' };

/**
 * Media for the caller in Node: real SDP a browser accepts (answers keep the DTLS role: passive) (opus and PCMU, no telephone-event, so
 * the softphone's DTMF must fall back to SIP INFO), but no ICE candidates: signalling only.
 * Records every offer it receives (the softphone's hold re-INVITEs).
 */
export class FakePeerSdh implements SessionDescriptionHandler {
  readonly offersReceived: string[] = [];
  private sentOffer = false;
  private pendingOffer: string | undefined;
  private version = 1;

  async getDescription(): Promise<BodyAndContentType> {
    const offer = this.pendingOffer;
    this.pendingOffer = undefined;
    this.version++;
    if (offer) {
      const mid = /a=mid:(\S+)/.exec(offer)?.[1] ?? '0';
      const direction = /a=(sendrecv|sendonly|recvonly|inactive)/.exec(offer)?.[1] ?? 'sendrecv';
      const opus = /a=rtpmap:(\d+) opus\/48000\/2/i.exec(offer)?.[1] ?? '111';
      return { contentType: 'application/sdp', body: session(mid, this.version, audioSection({ mid, payloads: [[Number(opus), 'opus/48000/2']], direction: FLIP[direction], setup: 'passive' })) };
    }
    this.sentOffer = true;
    return { contentType: 'application/sdp', body: session('0', this.version, audioSection({ mid: '0', payloads: [[111, 'opus/48000/2'], [0, 'PCMU/8000']], direction: 'sendrecv', setup: 'actpass' })) };
  }

  async setDescription(sdp: string): Promise<void> {
    if (this.sentOffer) {
      this.sentOffer = false; // the answer to our offer
      return;
    }
    this.offersReceived.push(sdp);
    this.pendingOffer = sdp;
  }

  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }

  async rollbackDescription(): Promise<void> {
    this.pendingOffer = undefined;
  }

  sendDtmf(): boolean {
    return false;
  }

  close(): void {}
}

export interface OutgoingCall {
  inviter: Inviter;
  sdh: () => FakePeerSdh;
  /** INFO bodies the softphone sent in this call (DTMF fallback). */
  infos: string[];
  /** Resolves when the softphone answered (200 OK). */
  established: Promise<void>;
  /** Resolves with the final non-2xx status, or 0 when the call was established and then ended. */
  ended: Promise<number>;
}

/** A sip.js user agent in Node that calls the softphone through the relay. */
export class SipCaller {
  private constructor(readonly ua: UserAgent, private readonly sdhs: FakePeerSdh[]) {}

  static async start(wsServer: string): Promise<SipCaller> {
    const sdhs: FakePeerSdh[] = [];
    const factory: SessionDescriptionHandlerFactory = () => {
      const sdh = new FakePeerSdh();
      sdhs.push(sdh);
      return sdh;
    };
    const ua = new UserAgent({
      uri: UserAgent.makeURI('sip:trunk@switchboard.local')!,
      transportOptions: { server: wsServer },
      sessionDescriptionHandlerFactory: factory,
      logLevel: 'error',
      logBuiltinEnabled: process.env.SIPJS_LOG !== undefined,
    });
    await ua.start();
    return new SipCaller(ua, sdhs);
  }

  /** Sends an INVITE to `target` with the given extra headers. */
  call(target: string, headers: Record<string, string>): OutgoingCall {
    const infos: string[] = [];
    const inviter = new Inviter(this.ua, UserAgent.makeURI(target)!, {
      extraHeaders: Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
      delegate: {
        onInfo: (info) => {
          infos.push(info.request.body);
          void info.accept();
        },
      },
    });
    let finalStatus = 0;
    const established = new Promise<void>((resolve) => inviter.stateChange.addListener((s) => {
      if (s === SessionState.Established) resolve();
    }));
    const ended = new Promise<number>((resolve) => inviter.stateChange.addListener((s) => {
      // sip.js reports Terminated before the request delegate sees the final response
      if (s === SessionState.Terminated) setTimeout(() => resolve(finalStatus), 0);
    }));
    const sdhs = this.sdhs;
    const index = sdhs.length;
    void inviter.invite({ requestDelegate: { onReject: (r) => { finalStatus = r.message.statusCode ?? -1; } } });
    return { inviter, infos, established, ended, sdh: () => sdhs[index] };
  }

  async stop(): Promise<void> {
    await this.ua.stop();
  }
}
