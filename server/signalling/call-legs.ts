import type Srf from 'drachtio-srf';
import type { Answered, CallerLeg, DialRequest, InboundCall, OperatorCall, OperatorDialer, OperatorLeg, SipLeg } from '../calls/ports';
import { inDialogLeg, type InDialogLogger } from './in-dialog';
import type { DialogKeepAliveOptions } from './dialog-keepalive';
import type { Registrar } from './registrar';
import { destroyQuietly, dialBindings, DialError } from './operator-dialer';
import { operatorDevice, refusingAnswer } from './operator-device';
import { dialledNumber, refuse, type TrunkCall } from './ingress';
import type { Binding } from '../store/bindings/binding-store';

/** The caller's leg on drachtio-srf: answered with createUAS, hung up with BYE, CANCEL noticed. */
export function callerLeg(srf: Srf, req: Srf.SrfRequest, res: Srf.SrfResponse, log: InDialogLogger = quietLog): CallerLeg {
  let leg: ReturnType<typeof inDialogLeg> | undefined;
  let gone = false;
  const listeners: Array<() => void> = [];
  const pending: Array<(l: SipLeg) => void> = [];
  const hungUp = () => {
    if (gone) return;
    gone = true;
    for (const l of listeners) l();
  };
  req.on('cancel', hungUp);
  /** Handlers given before the answer are installed on the dialog once it exists. */
  const install = (apply: (l: SipLeg) => void) => (leg ? apply(leg) : pending.push(apply));
  return {
    async answer(sdp) {
      if (gone) throw new Error('the caller has gone');
      const dialog = await srf.createUAS(req, res, { localSdp: sdp });
      leg = inDialogLeg(dialog, log);
      leg.onHangup(hungUp);
      for (const apply of pending.splice(0)) apply(leg);
      if (gone) leg.hangUp();
    },
    refuse(outcome) {
      gone = true;
      refuse(res, outcome);
    },
    hangUp() {
      if (gone) return;
      gone = true;
      leg?.hangUp();
    },
    onHangup(listener) {
      listeners.push(listener);
    },
    onOffer: (h) => install((l) => l.onOffer(h)),
    onDtmf: (h) => install((l) => l.onDtmf(h)),
    onTransfer: (h) => install((l) => l.onTransfer(h)),
    renegotiate: (answerFor) => (leg ? leg.renegotiate(answerFor) : Promise.reject(new Error('the call is not answered yet'))),
  };
}

const quietLog: InDialogLogger = { info: () => undefined, warn: () => undefined };

/** Rings operators' registered devices through the registrar's bindings. */
export class SrfOperatorDialer implements OperatorDialer {
  constructor(
    private readonly srf: Srf,
    private readonly registrar: Registrar,
    /** operator id → SIP username */
    private readonly sipUsers: Map<string, string>,
    private readonly log: InDialogLogger = quietLog,
    /** Probe answered operators' devices in their dialogs (no notice comes when a browser's WebSocket closes). */
    private readonly keepAlive?: DialogKeepAliveOptions,
  ) {}

  async dial(r: DialRequest): Promise<Answered> {
    const owner = await bindingsOf(this.registrar, this.sipUsers, r.operatorIds);
    if (owner.size === 0) throw new DialError('unreachable', 480, `no registered device for ${r.operatorIds.join(', ')}`);
    const result = await dialBindings(this.srf, [...owner.keys()], {
      headers: r.headers, ringTimeoutMs: r.ringTimeoutMs, signal: r.signal,
      onRinging: (b) => r.onRinging(owner.get(b)!), onUnreachable: (b) => this.dropStale(b),
    });
    if (result.kind !== 'late-offer') throw new Error('expected a late offer');
    const operatorId = owner.get(result.binding)!;
    const device = operatorDevice(result.binding, result.offer);
    return {
      operatorId,
      offer: result.offer,
      device,
      connect: async (answerSdp) => Object.assign(inDialogLeg(await result.ack(answerSdp), this.log, this.keepAlive), { device }),
      abandon: (reason) => {
        // RFC 3261 §13.2.2.4: every 2xx is ACKed, then the dialog we cannot use is ended with BYE
        this.log.info({ operatorId, aor: result.binding.aor, contact: result.binding.contact, device, reason }, 'answer not usable: ACK with the media refused, then BYE');
        result.ack(refusingAnswer(result.offer)).then(destroyQuietly, (err: unknown) => this.log.warn({ err, operatorId }, 'the ACK of an answer we could not use failed'));
      },
    };
  }

  async dialWithOffer(r: DialRequest & { sdp: string }): Promise<{ operatorId: string; answerSdp: string; leg: OperatorLeg }> {
    const owner = await bindingsOf(this.registrar, this.sipUsers, r.operatorIds);
    if (owner.size === 0) throw new DialError('unreachable', 480, `no registered device for ${r.operatorIds.join(', ')}`);
    const result = await dialBindings(this.srf, [...owner.keys()], {
      localSdp: r.sdp, headers: r.headers, ringTimeoutMs: r.ringTimeoutMs, signal: r.signal,
      onRinging: (b) => r.onRinging(owner.get(b)!), onUnreachable: (b) => this.dropStale(b),
    });
    if (result.kind !== 'dialog') throw new Error('expected a dialog');
    const remote = (result.dialog as unknown as { remote: { sdp: string } }).remote;
    const device = operatorDevice(result.binding, remote.sdp);
    return { operatorId: owner.get(result.binding)!, answerSdp: remote.sdp, leg: Object.assign(inDialogLeg(result.dialog, this.log, this.keepAlive), { device }) };
  }

  /** A binding whose flow is dead (no flow-closed notice from drachtio-server) goes at once, not at its expiry. */
  private dropStale(b: Binding): void {
    this.registrar.unreachable(b).catch((err: unknown) => this.log.warn({ err, aor: b.aor }, 'removing an unreachable binding failed'));
  }
}

/** Operator ids → their devices' bindings (the devices of operators not registered are left out). */
async function bindingsOf(registrar: Registrar, sipUsers: Map<string, string>, operatorIds: string[]): Promise<Map<Binding, string>> {
  const owner = new Map<Binding, string>();
  for (const id of operatorIds) {
    const user = sipUsers.get(id);
    if (!user) continue;
    for (const b of await registrar.lookup(user)) owner.set(b, id);
  }
  return owner;
}

/** A call placed by an operator's device, as the calls layer takes it. */
export function operatorCall(srf: Srf, req: Srf.SrfRequest, res: Srf.SrfResponse, operatorId: string, log?: InDialogLogger): OperatorCall {
  return {
    operatorId,
    target: dialledNumber(req.uri) ?? '',
    consultFor: req.get('X-Switchboard-Consult') || undefined,
    sipCallId: req.get('Call-ID'),
    fromTag: /;\s*tag=([^;\s>]+)/.exec(req.get('From') ?? '')?.[1] ?? '',
    offerSdp: req.body,
    leg: callerLeg(srf, req, res, log),
  };
}

/** A trunk call as the calls layer takes it. */
export function inboundCall(srf: Srf, call: TrunkCall, log?: InDialogLogger): InboundCall {
  const fromTag = /;\s*tag=([^;\s>]+)/.exec(call.req.get('From') ?? '')?.[1] ?? '';
  return {
    callId: call.req.get('Call-ID'), fromTag, trunkId: call.trunkId, number: call.number, queue: call.queue, caller: call.caller,
    offerSdp: call.req.body, leg: callerLeg(srf, call.req, call.res, log),
  };
}
