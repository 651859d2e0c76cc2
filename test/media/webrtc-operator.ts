/**
 * An operator's softphone for tests that check audio: sip.js over WebSocket (password "pw-<id>"),
 * media in a headless Chromium page per call (the browser's fake microphone), answering after 100 ms.
 */
import type { Browser } from 'playwright-core';
import { UserAgent, Registerer, type Invitation } from 'sip.js';
import { openBlankPage } from '../../media/testing/browser';
import { BrowserPeer } from '../../media/testing/webrtc-peer';
import { WebSocket } from 'ws';

// sip.js's WebSocket transport uses the global one (Node has none before 22)
(globalThis as unknown as { WebSocket: unknown }).WebSocket ??= WebSocket;

export interface OperatorSession {
  inv: Invitation;
  peer: BrowserPeer;
  /** Answers the peer accepted (one per offer/answer round: the first, then each re-INVITE). */
  answers: number;
}

/** `refuseReoffers`: the device refuses a re-INVITE (as a phone that cannot renegotiate would). */
export async function startWebrtcOperator(id: string, wsPort: number, browser: Browser, o: { refuseReoffers?: boolean } = {}) {
  const sessions: OperatorSession[] = [];
  const ua = new UserAgent({
    uri: UserAgent.makeURI(`sip:${id}@switchboard.local`)!,
    transportOptions: { server: `ws://127.0.0.1:${wsPort}` },
    authorizationUsername: id,
    authorizationPassword: `pw-${id}`,
    logBuiltinEnabled: false,
    sessionDescriptionHandlerFactory: ((session: Invitation) => {
      let s: OperatorSession | undefined;
      const peer = async () => {
        if (!s) {
          s = { inv: session, peer: new BrowserPeer(await openBlankPage(browser)), answers: 0 };
          sessions.push(s);
          return { first: true, s };
        }
        return { first: false, s };
      };
      return {
        getDescription: async () => {
          const { first, s: x } = await peer();
          if (!first && o.refuseReoffers) throw new Error('this device does not renegotiate');
          // the first offer, then a new offer on the same connection for each offerless re-INVITE
          return { body: first ? await x.peer.offer() : await x.peer.reoffer('sendrecv'), contentType: 'application/sdp' };
        },
        setDescription: async (sdp: string) => {
          const { s: x } = await peer();
          await x.peer.acceptAnswer(sdp);
          x.answers += 1;
        },
        hasDescription: (ct: string) => ct === 'application/sdp',
        rollbackDescription: async () => undefined,
        close: () => void s?.peer.page.context().close().catch(() => undefined),
        sendDtmf: () => false,
      };
    }) as never,
    delegate: { onInvite: (inv) => void setTimeout(() => void inv.accept().catch(() => undefined), 100) },
  });
  await ua.start();
  const registerer = new Registerer(ua, { expires: 300 });
  await new Promise<void>((resolve, reject) => {
    void registerer.register({ requestDelegate: { onAccept: () => resolve(), onReject: (r) => reject(new Error(`REGISTER ${r.message.statusCode}`)) } });
  });
  return {
    id,
    sessions,
    /** The session established most recently. */
    latest: (): OperatorSession | undefined => [...sessions].reverse().find((x) => x.inv.state === 'Established'),
    async stop() {
      await registerer.dispose().catch(() => undefined);
      await ua.stop();
    },
  };
}

export type WebrtcOperator = Awaited<ReturnType<typeof startWebrtcOperator>>;
