/**
 * Calls out through an outbound trunk (config `outboundTrunks`; a transfer to a number uses the
 * first): an INVITE without SDP to `sip:<dial string>@<address>` (late offer, as operators' devices
 * are called: the far party offers in its 200, our answer goes in the ACK), digest credentials for
 * the carrier's challenge, the configured caller ID (or the original caller's number) in From, and
 * at most `maxConcurrentCalls` calls through the trunk at once.
 */
import type Srf from 'drachtio-srf';
import type { OutboundTrunkConfig } from '../../config';
import type { ExternalAnswered, ExternalDialer, ExternalDialRequest } from '../calls/ports';
import { inDialogLeg, type InDialogLogger } from './in-dialog';
import type { LimitListener } from './limits';
import { DialError, destroyQuietly, dialBindings } from './operator-dialer';
import { BadNumberError, normaliseNumber } from './outbound-number';
import type { Binding } from '../store/bindings/binding-store';

export class SrfTrunkDialer implements ExternalDialer {
  /** Calls through each trunk now (dialling or connected). */
  private readonly active = new Map<string, number>();

  constructor(
    private readonly srf: Srf,
    private readonly trunks: readonly OutboundTrunkConfig[],
    private readonly log: InDialogLogger,
    private readonly onLimit?: LimitListener,
  ) {}

  /** Calls through a trunk now (for tests and the bench). */
  activeCalls(trunkId: string): number {
    return this.active.get(trunkId) ?? 0;
  }

  async dial(r: ExternalDialRequest): Promise<ExternalAnswered> {
    const trunk = this.trunks[0];
    if (!trunk) throw new DialError('unreachable', 503, 'no outbound trunk is configured');
    let number: string;
    try {
      number = normaliseNumber(r.number, trunk);
    } catch (err) {
      if (err instanceof BadNumberError) throw new DialError('unreachable', 484, err.message);
      throw err;
    }
    const active = this.activeCalls(trunk.id);
    if (active >= trunk.maxConcurrentCalls) {
      this.onLimit?.('outbound-trunk-concurrent-calls');
      this.log.warn({ trunkId: trunk.id, maxConcurrentCalls: trunk.maxConcurrentCalls }, 'outbound trunk full: call refused');
      throw new DialError('unreachable', 503, `outbound trunk ${trunk.id} has ${active} calls (its maxConcurrentCalls)`);
    }
    this.active.set(trunk.id, active + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.active.set(trunk.id, this.activeCalls(trunk.id) - 1);
    };
    let result: Awaited<ReturnType<typeof dialBindings>>;
    try {
      result = await dialBindings(this.srf, [trunkBinding(trunk, `${trunk.dialPrefix}${number}`)], {
        headers: r.headers, ringTimeoutMs: trunk.ringTimeoutMs, signal: r.signal,
        callingNumber: trunk.callerId ?? (/^\+?[0-9]{1,32}$/.test(r.callerNumber) ? r.callerNumber : 'anonymous'),
        ...(trunk.digest ? { auth: { username: trunk.digest.username, password: trunk.digest.password } } : {}),
      });
    } catch (err) {
      release();
      throw err; // a DialError: busy and declines are `declined` with their status, the rest `unreachable`/`no-answer`
    }
    if (result.kind !== 'late-offer') {
      release();
      throw new Error('expected a late offer from the trunk');
    }
    const late = result;
    return {
      trunkId: trunk.id, number, offer: late.offer,
      connect: async (answerSdp) => {
        try {
          const leg = inDialogLeg(await late.ack(answerSdp), this.log);
          leg.onHangup(release);
          return leg;
        } catch (err) {
          release();
          throw err;
        }
      },
      abandon: () => {
        release();
        void late.ack(late.offer).then(destroyQuietly, (err: unknown) => this.log.warn({ err }, 'an abandoned outbound call could not be completed'));
      },
    };
  }
}

/** The trunk as the one "device" dialBindings calls: the INVITE goes to its address over its transport. */
function trunkBinding(trunk: OutboundTrunkConfig, user: string): Binding {
  const i = trunk.address.lastIndexOf(':');
  const host = trunk.address.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(trunk.address.slice(i + 1));
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    aor: `trunk:${trunk.id}`, contact: `sip:${user}@${hostPart}:${port};transport=${trunk.transport}`,
    expiresAt: Number.MAX_SAFE_INTEGER, callId: '', cseq: 0, flow: { protocol: trunk.transport, address: host, port },
  };
}
