/**
 * What auto-deployment has to say about a push, as plain data (see coord/events.ts): the
 * presenter words it. `target` is the channel the repository's pushes are told in (empty:
 * none), or, for a locked pack, its holder where they took the lock.
 */
import type { LockRecord } from '../coord/branch-locks.js';
import type { Target } from '../../core/target.js';

export type AutoDeployEvent =
  /** Reading the push failed (a fetch, say); `reason` is the masked error. */
  | { kind: 'autodeploy_failed'; repo: string; branch: string | null; reason: string; target: Target }
  /** The followed branch was deleted: nothing deployed, nothing removed. */
  | { kind: 'autodeploy_branch_deleted'; repo: string; branch: string; pusher: string; target: Target }
  /** `pack` changed but `lock` holds it (for `heldMs`): it is left alone and its holder told. */
  | { kind: 'autodeploy_locked'; repo: string; branch: string; author: string; pack: string; lock: LockRecord; heldMs: number; target: Target }
  /** A deploy of `packs` is being queued; `locked` packs changed too but are held. `message` is the head commit's. */
  | { kind: 'autodeploy_triggered'; repo: string; branch: string; author: string; packs: string[]; locked: string[]; forced: boolean; message: string; target: Target };

/** Where auto-deployment says things. A failure to say one is the presenter's to log: the deploy goes ahead regardless. */
export interface AutoDeployEvents {
  emit(event: AutoDeployEvent): Promise<void>;
}
