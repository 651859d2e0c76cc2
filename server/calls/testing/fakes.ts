/** Fakes of the calls layer's ports (SIP legs, dialer, media), for unit tests of the Call. */
import type { MediaPort } from '../call-media';
import type {
  Answered, CallerLeg, DialFailureReason, DialRequest, DtmfSignal, ExternalAnswered, ExternalDialer, ExternalDialRequest, OperatorDevice, OperatorDialer,
  SipLeg, TransferRequest,
} from '../ports';

export class FakeLeg implements CallerLeg {
  /** The operator device this leg stands for (an operator leg's); absent: a browser. */
  device: OperatorDevice | undefined;
  answered = false;
  hungUp = false;
  refused: string | undefined;
  answerFails = false;
  private hangupListeners: Array<() => void> = [];
  private offerHandler: ((sdp: string) => Promise<string>) | undefined;
  private dtmfHandler: ((d: DtmfSignal) => Promise<void> | void) | undefined;
  private transferHandler: ((r: TransferRequest) => void) | undefined;

  async answer(): Promise<void> {
    if (this.answerFails) throw new Error('the caller has gone');
    this.answered = true;
  }

  refuse(outcome: string): void {
    this.refused = outcome;
  }

  hangUp(): void {
    this.hungUp = true;
  }

  onHangup(l: () => void): void {
    this.hangupListeners.push(l);
  }

  onOffer(h: (sdp: string) => Promise<string>): void {
    this.offerHandler = h;
  }

  onDtmf(h: (d: DtmfSignal) => Promise<void> | void): void {
    this.dtmfHandler = h;
  }

  onTransfer(h: (r: TransferRequest) => void): void {
    this.transferHandler = h;
  }

  renegotiated: string[] = [];

  async renegotiate(answerFor: (offer: string) => Promise<string>): Promise<void> {
    this.renegotiated.push(await answerFor('fresh-offer'));
  }

  /** The far end hangs up. */
  farHangUp(): void {
    for (const l of this.hangupListeners) l();
  }

  /** The far end sends a new offer (re-INVITE); resolves with our answer or rejects as signalling would answer 488. */
  reInvite(sdp: string): Promise<string> {
    if (!this.offerHandler) throw new Error('no offer handler');
    return this.offerHandler(sdp);
  }

  /** The far end sends a digit by INFO; resolves as the INFO would be answered (200), rejects for an error. */
  async dtmf(digit: string): Promise<void> {
    await this.dtmfHandler?.({ digit, durationMs: 100 });
  }

  /** The device sends REFER; returns the NOTIFY statuses it receives. */
  refer(target: string, replaces?: TransferRequest['replaces']): number[] {
    const statuses: number[] = [];
    if (!this.transferHandler) throw new Error('no transfer handler');
    this.transferHandler({ target, ...(replaces ? { replaces } : {}), progress: (status) => void statuses.push(status) });
    return statuses;
  }
}

interface PendingDial {
  request: DialRequest;
  /** The device answers (a browser unless `device` says otherwise). */
  answer(operatorId: string, device?: OperatorDevice): FakeLeg;
  fail(reason: DialFailureReason, status: number): void;
}

export class FakeDialer implements OperatorDialer {
  readonly dials: PendingDial[] = [];
  /** Answers the call gave up on (ACK and BYE), with the reason it gave. */
  readonly abandoned: Array<{ operatorId: string; reason: string }> = [];
  private waiters: Array<() => void> = [];

  dial(request: DialRequest): Promise<Answered> {
    return new Promise<Answered>((resolve, reject) => {
      const failure = (reason: DialFailureReason, status: number) => Object.assign(new Error(reason), { reason, status });
      request.signal.addEventListener('abort', () => reject(failure('canceled', 487)), { once: true });
      this.dials.push({
        request,
        answer: (operatorId, device) => {
          const leg = new FakeLeg();
          leg.device = device;
          resolve({
            operatorId, offer: `offer-from-${operatorId}`, ...(device ? { device } : {}), connect: async () => leg,
            abandon: (reason) => void this.abandoned.push({ operatorId, reason }),
          });
          return leg;
        },
        fail: (reason, status) => reject(failure(reason, status)),
      });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  dialWithOffer(request: DialRequest & { sdp: string }): Promise<{ operatorId: string; answerSdp: string; leg: FakeLeg }> {
    return this.dial(request).then(async (a) => ({ operatorId: a.operatorId, answerSdp: `answer-from-${a.operatorId}`, leg: (await a.connect('')) as FakeLeg }));
  }

  /** Waits for the n-th dial (1-based). */
  async nth(n: number): Promise<PendingDial> {
    while (this.dials.length < n) await new Promise<void>((r) => this.waiters.push(r));
    return this.dials[n - 1]!;
  }
}

interface PendingExternal {
  request: ExternalDialRequest;
  answer(): FakeLeg;
  fail(reason: DialFailureReason, status: number): void;
}

/** An outbound trunk: each dial waits until the test answers or fails it. */
export class FakeExternalDialer implements ExternalDialer {
  readonly dials: PendingExternal[] = [];
  private waiters: Array<() => void> = [];

  dial(request: ExternalDialRequest): Promise<ExternalAnswered> {
    return new Promise<ExternalAnswered>((resolve, reject) => {
      const failure = (reason: DialFailureReason, status: number) => Object.assign(new Error(reason), { reason, status });
      request.signal.addEventListener('abort', () => reject(failure('canceled', 487)), { once: true });
      this.dials.push({
        request,
        answer: () => {
          const leg = new FakeLeg();
          resolve({ trunkId: 'carrier', number: `+${request.number}`, offer: 'offer-from-trunk', connect: async () => leg, abandon: () => leg.hangUp() });
          return leg;
        },
        fail: (reason, status) => reject(failure(reason, status)),
      });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Waits for the n-th dial (1-based). */
  async nth(n: number): Promise<PendingExternal> {
    while (this.dials.length < n) await new Promise<void>((r) => this.waiters.push(r));
    return this.dials[n - 1]!;
  }
}

/** Records what the call asks of the media relay; `refuseUpdates` makes new offers fail as bad SDP. */
export class FakeMedia implements MediaPort {
  readonly log: string[] = [];
  parkFails: Error | undefined;
  refuseUpdates: Error | undefined;

  async park(o: { callId: string }): Promise<{ sdp: string }> {
    if (this.parkFails) throw this.parkFails;
    this.log.push(`park ${o.callId}`);
    return { sdp: 'answer-for-caller' };
  }

  /** Set: connecting an operator's leg fails with it (e.g. no codec in common). */
  connectFails: Error | undefined;
  /** The profile each connected leg was given (`browser`, `trunk`), by leg tag. */
  readonly connectedAs = new Map<string, string>();

  async connectParked(o: { legTag: string; from?: string }): Promise<{ sdp: string }> {
    if (this.connectFails) throw this.connectFails;
    this.log.push(`connect ${o.legTag}`);
    if (o.from) this.connectedAs.set(o.legTag, o.from);
    return { sdp: `answer-for-${o.legTag}` };
  }

  /** The profile each new offer of a leg was given (`browser`, `trunk`), in order. */
  readonly updatedAs: string[] = [];

  async updateLeg(o: { legTag: string; sdp: string; from?: string }): Promise<{ sdp: string }> {
    if (this.refuseUpdates) throw this.refuseUpdates;
    if (o.from) this.updatedAs.push(`${o.legTag}:${o.from}`);
    this.log.push(`update ${o.legTag}`);
    return { sdp: o.sdp.includes('sendonly') ? 'a=recvonly' : 'a=sendrecv' };
  }

  async offer(o: { callId: string }): Promise<{ sdp: string }> {
    this.log.push(`offer ${o.callId}`);
    return { sdp: 'offer-for-target' };
  }

  async answer(o: { callId: string }): Promise<{ sdp: string }> {
    this.log.push(`answer ${o.callId}`);
    return { sdp: 'answer-for-offerer' };
  }

  async repark(o: { legTag: string }): Promise<void> {
    this.log.push(`repark ${o.legTag}`);
  }

  async sendDtmf(o: { tag: string; digits: string }): Promise<void> {
    this.log.push(`dtmf ${o.digits} → ${o.tag}`);
  }

  /** Set: music starts only once this resolves (a slow relay). */
  musicGate: Promise<void> | undefined;

  async playMedia(o: { tag: string }): Promise<{ durationMs: number | undefined }> {
    await this.musicGate;
    this.log.push(`music on ${o.tag}`);
    return { durationMs: undefined };
  }

  async stopMedia(o: { tag: string }): Promise<void> {
    this.log.push(`music off ${o.tag}`);
  }

  async delete(o: { callId: string }): Promise<void> {
    this.log.push(`delete ${o.callId}`);
  }
}

export type { SipLeg };

/** A mixer that records who joins and leaves. */
export class FakeMixer {
  readonly log: string[] = [];
  private n = 0;

  createConference() {
    const log = this.log;
    const next = () => ++this.n;
    return {
      async addParticipant(o: { label?: string }) {
        const id = `${o.label ?? 'p'}#${next()}`;
        log.push(`join ${id}`);
        return {
          sdp: () => `mixer-sdp-${id}`,
          setRemoteSdp: (sdp: string) => void log.push(`remote ${id} ${sdp}`),
          close: async () => void log.push(`leave ${id}`),
        };
      },
      close: async () => void log.push('close'),
    };
  }
}
