/**
 * Where a deploy (or install) stages packs: `<state_dir>/staging/<pid>/<id>`. Kept per process
 * id because several packbot processes may share a state_dir (one Redis, one host): at start
 * each clears only what dead processes, or itself, left behind.
 */
import { readdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { processAlive } from '../../core/process-alive.js';

export function stagingRoot(stateDir: string, id: string): string {
  return path.join(stateDir, 'staging', String(process.pid), id);
}

/** Removes one deploy's staging, and this process's directory once nothing else stages there. */
export async function removeStaging(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
  // Fails while another deploy of this process still stages there, as it should.
  await rmdir(path.dirname(root)).catch(() => undefined);
}

/** Staging left by crashed processes (and by this one's predecessors under the same pid). */
export async function recoverStaging(stateDir: string): Promise<void> {
  const root = path.join(stateDir, 'staging');
  for (const entry of await readdir(root).catch(() => [] as string[])) {
    const pid = /^\d+$/.test(entry) ? Number(entry) : null;
    if (pid !== null && pid !== process.pid && processAlive(pid)) continue;
    await rm(path.join(root, entry), { recursive: true, force: true });
  }
}
