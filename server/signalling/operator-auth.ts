import type Srf from 'drachtio-srf';
import type { DigestAuthenticator } from './auth/digest';
import type { FailureLimiter } from './auth/failure-limiter';

export interface OperatorAuthOptions {
  digest: DigestAuthenticator;
  limiter: FailureLimiter;
  now?: () => number;
  /**
   * A fallback only: User-Agents offered the MD5 challenge alone when the operator's digest policy
   * (`sip.digest`, `operators[].sip.digest`) offers several. Some clients cannot choose among several
   * challenges: SIP.js 0.21 keeps only the last one and supports only MD5. Default: [/SIP\.js/].
   * The policy decides; with the default policy (MD5 only) this never matters.
   */
  md5OnlyUserAgents?: RegExp[];
  onFailure?: (info: { address: string; username?: string; reason: string; blocked: boolean }) => void;
}

/**
 * Digest authentication of requests from operators' devices (REGISTER, INVITE): answers 401 with
 * challenges, 403 to an address that failed too often (without checking anything), and resolves
 * with the authenticated SIP user when the credentials are right.
 */
export class OperatorAuth {
  private readonly now: () => number;

  constructor(private readonly options: OperatorAuthOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Resolves the SIP username, or undefined after having answered the request itself. */
  check(req: Srf.SrfRequest, res: Srf.SrfResponse): string | undefined {
    const { digest, limiter } = this.options;
    const address = req.source_address;
    const now = this.now();
    if (limiter.isBlocked(address, now)) {
      res.send(403, 'Forbidden (too many failed attempts)', {});
      return undefined;
    }
    const ua = req.get('User-Agent') ?? '';
    const md5Only = (this.options.md5OnlyUserAgents ?? [/SIP\.js/]).some((re) => re.test(ua));
    // the policy of the user the request claims to be (To of a REGISTER, From otherwise) chooses the challenges
    const claimed = /sips?:([^@;>]+)@/.exec(req.get(req.method === 'REGISTER' ? 'To' : 'From') ?? '')?.[1];
    const outcome = digest.verify(req.method, req.get('Authorization'), { username: claimed, md5Only, requestUri: req.uri });
    if (outcome.result === 'ok') {
      limiter.recordSuccess(address);
      return outcome.username;
    }
    if (outcome.result === 'failed') {
      limiter.recordFailure(address, now);
      const blocked = limiter.isBlocked(address, now);
      this.options.onFailure?.({ address, username: outcome.username, reason: outcome.reason, blocked });
      if (blocked) {
        res.send(403, 'Forbidden (too many failed attempts)', {});
        return undefined;
      }
    }
    res.send(401, { headers: { 'WWW-Authenticate': outcome.challenges.join(', ') } });
    return undefined;
  }
}
