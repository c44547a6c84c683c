/**
 * Whether a process id belongs to a running process on this host. Signal 0 checks existence
 * only; EPERM means alive but someone else's.
 */
import { errnoCode } from './caught.js';

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoCode(err) === 'EPERM';
  }
}
