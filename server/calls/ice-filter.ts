import { BlockList, isIP } from 'node:net';

/**
 * Keeps only the ICE candidates whose address lies in the allowed networks (CIDR), so the media
 * relay never sends connectivity checks elsewhere. An empty list keeps every candidate.
 */
export function iceCandidateFilter(allow: readonly string[]): (sdp: string) => string {
  if (allow.length === 0) return (sdp) => sdp;
  const list = new BlockList();
  for (const cidr of allow) {
    const [address, bits] = cidr.split('/') as [string, string];
    list.addSubnet(address, Number(bits), isIP(address) === 6 ? 'ipv6' : 'ipv4');
  }
  const allowed = (address: string) => {
    const family = isIP(address);
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
  return (sdp) => sdp
    .split('\r\n')
    .filter((line) => {
      if (!line.startsWith('a=candidate:')) return true;
      const address = line.split(' ')[4] ?? '';
      return allowed(address);
    })
    .join('\r\n');
}
