import { spawnSync } from 'node:child_process';
import { findBinary } from './find-binary';

const probed = new Map<string, boolean>();

/**
 * The command prefix that makes a child die with us even when we are SIGKILLed: util-linux
 * `setpriv --pdeathsig KILL` (Linux's PR_SET_PDEATHSIG, kept across exec). Empty when setpriv is
 * missing or does not work here (then only the pidfile check at the next start remains).
 */
export function parentDeathPrefix(searchPath: string | undefined): string[] {
  const setpriv = findBinary('setpriv', searchPath);
  if (!setpriv) return [];
  let works = probed.get(setpriv);
  if (works === undefined) {
    const probe = spawnSync(setpriv, ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore', timeout: 5000 });
    works = probe.status === 0;
    probed.set(setpriv, works);
  }
  return works ? [setpriv, '--pdeathsig', 'KILL', '--'] : [];
}
