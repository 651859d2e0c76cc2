import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The pcap files rtpengine wrote for a call in `recordingDir/pcaps/` (its `--recording-method=pcap`),
 * named after the call id. Returns absolute paths, sorted; [] when there are none.
 */
export async function recordingFiles(recordingDir: string, callId: string): Promise<string[]> {
  const dir = join(recordingDir, 'pcaps');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.startsWith(`${callId}-`) && n.endsWith('.pcap')).sort().map((n) => join(dir, n));
}
