import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Resolves a program name against PATH (or checks an absolute path); undefined when not executable. */
export function findBinary(name: string, pathList: string | undefined): string | undefined {
  const candidates = isAbsolute(name) ? [name] : (pathList ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next directory
    }
  }
  return undefined;
}
