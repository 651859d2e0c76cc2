import type Srf from 'drachtio-srf';
import type { Answered, CallerLeg, DialRequest, InboundCall, OperatorDialer, OperatorLeg } from '../calls/ports';
import type { Registrar } from './registrar';
import { dialBindings, destroyQuietly, DialError } from './operator-dialer';
import { refuse, type TrunkCall } from './ingress';
import type { Binding } from '../store/bindings/binding-store';

/** The caller's leg on drachtio-srf: answered with createUAS, hung up with BYE, CANCEL noticed. */
export function callerLeg(srf: Srf, req: Srf.SrfRequest, res: Srf.SrfResponse): CallerLeg {
  let dialog: Srf.Dialog | undefined;
  let gone = false;
  const listeners: Array<() => void> = [];
  const hungUp = () => {
    if (gone) return;
    gone = true;
    for (const l of listeners) l();
  };
  req.on('cancel', hungUp);
  return {
    async answer(sdp) {
      if (gone) throw new Error('the caller has gone');
      dialog = await srf.createUAS(req, res, { localSdp: sdp });
      dialog.on('destroy', hungUp);
      if (gone) destroyQuietly(dialog);
    },
    refuse(outcome) {
      gone = true;
      refuse(res, outcome);
    },
    hangUp() {
      if (gone) return;
      gone = true;
      if (dialog) destroyQuietly(dialog);
    },
    onHangup(listener) {
      listeners.push(listener);
    },
  };
}

function operatorLeg(dialog: Srf.Dialog): OperatorLeg {
  let gone = false;
  const listeners: Array<() => void> = [];
  dialog.on('destroy', () => {
    if (gone) return;
    gone = true;
    for (const l of listeners) l();
  });
  return {
    hangUp() {
      if (gone) return;
      gone = true;
      destroyQuietly(dialog);
    },
    onHangup(listener) {
      listeners.push(listener);
    },
  };
}

/** Rings operators' registered devices through the registrar's bindings. */
export class SrfOperatorDialer implements OperatorDialer {
  constructor(
    private readonly srf: Srf,
    private readonly registrar: Registrar,
    /** operator id → SIP username */
    private readonly sipUsers: Map<string, string>,
  ) {}

  async dial(r: DialRequest): Promise<Answered> {
    const owner = new Map<Binding, string>();
    for (const id of r.operatorIds) {
      const user = this.sipUsers.get(id);
      if (!user) continue;
      for (const b of await this.registrar.lookup(user)) owner.set(b, id);
    }
    if (owner.size === 0) throw new DialError('unreachable', 480, `no registered device for ${r.operatorIds.join(', ')}`);
    const result = await dialBindings(this.srf, [...owner.keys()], {
      headers: r.headers, ringTimeoutMs: r.ringTimeoutMs, signal: r.signal,
      onRinging: (b) => r.onRinging(owner.get(b)!),
    });
    if (result.kind !== 'late-offer') throw new Error('expected a late offer');
    return {
      operatorId: owner.get(result.binding)!,
      offer: result.offer,
      connect: async (answerSdp) => operatorLeg(await result.ack(answerSdp)),
    };
  }
}

/** A trunk call as the calls layer takes it. */
export function inboundCall(srf: Srf, call: TrunkCall): InboundCall {
  const fromTag = /;\s*tag=([^;\s>]+)/.exec(call.req.get('From') ?? '')?.[1] ?? '';
  return {
    callId: call.req.get('Call-ID'), fromTag, trunkId: call.trunkId, number: call.number, queue: call.queue, caller: call.caller,
    offerSdp: call.req.body, leg: callerLeg(srf, call.req, call.res),
  };
}
