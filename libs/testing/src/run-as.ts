import { execFileSync } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';
import { RunAs } from './server-process';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** uid and gid of a system user, e.g. `postgres`; undefined when there is no such user. */
export function systemUser(name: string): RunAs | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/** initdb (run as another user) fails when /dev/null is not writable by others; as root, repair it. */
export function ensureDevNullWritable(): void {
  if (!isRoot()) return;
  try {
    if ((statSync('/dev/null').mode & 0o002) === 0) chmodSync('/dev/null', 0o666);
  } catch {
    // leave it: initdb will say what is wrong
  }
}
