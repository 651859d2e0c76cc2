import { BlockList, isIP } from 'node:net';
import { DigestAuthenticator } from './auth/digest';
import { StaticCredentials } from './auth/credentials';

export interface TrunkAuthConfig {
  id: string;
  /** Source addresses or CIDR ranges the trunk sends from (e.g. `127.0.0.1`, `10.1.0.0/16`). */
  allow?: string[];
  /** Digest credentials the trunk answers challenges with. */
  digest?: { username: string; password: string };
}

export type TrunkAuthResult =
  | { result: 'ok'; trunkId: string }
  /** The source is not allowed and no digest trunk matched: answer 403. */
  | { result: 'forbidden' }
  /** A digest trunk could match: answer 401 with these challenges. */
  | { result: 'challenge'; challenges: string[] };

/**
 * Says which trunk a request comes from: by source address (an allow-list per trunk) or, for trunks
 * configured with credentials, by digest authentication. Unknown sources get 403.
 */
export class TrunkAuth {
  private readonly byAddress: Array<{ id: string; list: BlockList }> = [];
  private readonly digestTrunks = new Map<string, string>(); // username → trunk id
  private readonly digest: DigestAuthenticator | undefined;

  constructor(trunks: TrunkAuthConfig[], realm: string, now?: () => number) {
    const creds = new StaticCredentials(realm);
    for (const t of trunks) {
      if (t.allow?.length) {
        const list = new BlockList();
        for (const entry of t.allow) addEntry(list, entry, t.id);
        this.byAddress.push({ id: t.id, list });
      }
      if (t.digest) {
        creds.addPassword(t.digest.username, t.digest.password);
        this.digestTrunks.set(t.digest.username, t.id);
      }
    }
    this.digest = this.digestTrunks.size > 0 ? new DigestAuthenticator(creds, { realm, now }) : undefined;
  }

  /** `requestUri`: the request's Request-URI, which a digest answer must name. */
  check(method: string, sourceAddress: string, authorization: string | undefined, requestUri?: string): TrunkAuthResult {
    const family = isIP(sourceAddress) === 6 ? 'ipv6' : 'ipv4';
    for (const { id, list } of this.byAddress) if (list.check(sourceAddress, family)) return { result: 'ok', trunkId: id };
    if (!this.digest) return { result: 'forbidden' };
    const outcome = this.digest.verify(method, authorization, { requestUri });
    if (outcome.result === 'ok') return { result: 'ok', trunkId: this.digestTrunks.get(outcome.username)! };
    if (outcome.result === 'failed' && authorization) return { result: 'forbidden' };
    return { result: 'challenge', challenges: outcome.challenges };
  }
}

function addEntry(list: BlockList, entry: string, trunkId: string): void {
  const [address, bits] = entry.split('/');
  const family = isIP(address ?? '') === 6 ? 'ipv6' : isIP(address ?? '') === 4 ? 'ipv4' : undefined;
  if (!family) throw new Error(`trunks.${trunkId}.allow: "${entry}" is not an IP address or CIDR range`);
  if (bits === undefined) list.addAddress(address!, family);
  else {
    const prefix = Number(bits);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 'ipv4' ? 32 : 128)) {
      throw new Error(`trunks.${trunkId}.allow: "${entry}" has an invalid prefix length`);
    }
    list.addSubnet(address!, prefix, family);
  }
}
