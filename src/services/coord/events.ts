/**
 * Everything coordination has to say, as plain data: ids, packs, repositories, branches,
 * identities (`slack:U123`), where it happened or whom it concerns (a Target), and
 * durations in ms. No wording, templates or channels: turning an event into a message, and
 * deciding where else it is shown (a repository's notify or announce channel), is the
 * presenter's job (interfaces/presenter/coord-presenter.ts for chat, another for the CLI).
 */
import type { Identity } from '../../core/identity.js';
import type { PackChange } from '../deploy/changes.js';
import type { DeployPreview } from '../deploy/preview-types.js';
import type { ProgressEvent } from '../deploy/stage-clock.js';
import type { DeployResult } from '../deploy/types.js';
import type { LockRecord } from './branch-locks.js';
import type { ConfirmPolicy, DeployPayload } from './types.js';
import type { Target } from '../../core/target.js';

/** The deploy an event is about. */
export interface DeploySubject {
  /** The deploy id, which is also its queue entry's id. */
  id: string;
  kind: 'deploy' | 'install';
  repo: string;
  /** Pack directories (for "all", the packs on the ref when it was asked), or registry specs for an install; empty means every pack. */
  packs: string[];
  /** Asked for every pack of the repository ("all"): shown as "all N packs", not N names. */
  all: boolean;
  /** The ref deployed ('registry' for an install). */
  branch: string;
  defaultBranch: string;
  requester: Identity;
  /** Where it was asked for: its requester is told there. */
  target: Target;
  /** packbot's own deploy putting a pack back on the default branch after its lock expired. */
  autoRevert: boolean;
}

export type CoordEvent =
  /**
   * Accepted into the queue; `ahead` requests on its packs were there first. `waiting`: it
   * did not start at once (others hold its packs, or every worker slot is busy).
   */
  | { kind: 'queued'; deploy: DeploySubject; ahead: number; policy: ConfirmPolicy; waiting: boolean }
  /**
   * Its turn came (or it runs at once, outside the queue): the deploy starts now. `plan`: what
   * it will change, when its turn worked it out (a turn nobody was asked to confirm).
   */
  | { kind: 'deploy_started'; deploy: DeploySubject; plan?: PlanNote }
  /** A pipeline stage started, finished or failed. */
  | { kind: 'progress'; deploy: DeploySubject; progress: ProgressEvent }
  | { kind: 'deploy_finished'; deploy: DeploySubject; result: DeployResult }
  /** What a successful default-branch deploy changed, per pack (only when `announces(repo)`). */
  | { kind: 'announcement'; deploy: DeploySubject; result: DeployResult; changes: PackChange[] }
  /**
   * Its turn waits for the requester to type `phrase` (or press Confirm) within `timeoutMs`.
   * `plan`: what confirming would change, worked out just now (or why it could not be).
   */
  | { kind: 'confirmation_requested'; deploy: DeploySubject; phrase: string; timeoutMs: number; plan?: PlanNote }
  /** At its turn, its plan changes nothing (every pack unchanged, no force): it left the queue undeployed. */
  | { kind: 'deploy_nothing'; deploy: DeploySubject; preview: DeployPreview }
  /**
   * `by` confirmed the deploy: its turn is handed to a worker. `via`
   * a button: the platform already edited the clicked prompt.
   */
  | { kind: 'confirmed'; deploy: DeploySubject; by: string; via: Via }
  /** Withdrawn before it started, by its requester or (forced) an admin. */
  | { kind: 'cancelled'; deploy: DeploySubject; by: string; forced: boolean; via: Via }
  /** Nobody confirmed within `timeoutMs`: it left the queue. */
  | { kind: 'confirmation_expired'; deploy: DeploySubject; timeoutMs: number }
  /** It waited longer than queue.max_wait: it left the queue. */
  | { kind: 'queue_expired'; deploy: DeploySubject; waitedMs: number; maxWaitMs: number }
  /** At its turn, `lock` (someone else's) stood in the way; `at` is when that was found. */
  | { kind: 'deploy_refused'; deploy: DeploySubject; lock: LockRecord; at: string }
  /** Its turn's job failed (a crash, an error outside the pipeline); `reason` is the job's. */
  | { kind: 'deploy_interrupted'; deploy: DeploySubject; reason: string }
  /** Queued, not started, and lost with the state store's data (it came back empty): its requester asks again. */
  | { kind: 'request_lost'; deploy: DeploySubject }
  /**
   * The state store could not take its outcome (history, lock moves): kept on disk and retried
   * (outcome.ts); `settled` once it is in the store.
   */
  | { kind: 'outcome_pending'; deploy: DeploySubject; settled: boolean }
  /** A branch deploy took the pack's lock, taken at `origin`; it reverts in `revertsInMs`. */
  | { kind: 'lock_taken'; lock: LockRecord; defaultBranch: string; revertsInMs: number; origin: Target; deployId: string }
  /**
   * `by`, the lock's owner, deployed the default branch again (deploy `deployId`): the pack is
   * back there, free. `owner`: set when someone else's rollback to the default branch ended it.
   */
  | { kind: 'lock_released'; pack: string; repo: string; by: string; defaultBranch: string; origin: Target; deployId: string; owner?: string }
  /** Its owner released it with `pack unlock`, at `origin`. */
  | { kind: 'lock_unlocked'; lock: LockRecord; by: string; origin: Target }
  /** An admin released someone else's lock, at `origin`. */
  | { kind: 'lock_force_released'; lock: LockRecord; by: string; origin: Target }
  /** Its owner pushed the auto-revert back by `extendedByMs` (`lock` is the extended one). */
  | { kind: 'lock_extended'; lock: LockRecord; by: string; extendedByMs: number }
  /**
   * The lock reverts in `leftMs`; its owner hears it at `target`, where it was taken.
   * `defaultBranch` is null when its repository left the config.
   */
  | { kind: 'lock_warning'; lock: LockRecord; defaultBranch: string | null; leftMs: number; target: Target }
  /**
   * The auto-revert ran: the lock is gone whatever happened; `error` says why the pack could
   * not go back. `target` is where its owner hears it (where the lock was taken).
   */
  | { kind: 'lock_reverted'; lock: LockRecord; defaultBranch: string; heldMs: number; error: string | null; target: Target }
  /** The lock expired but its repository is no longer configured: released, nothing deployed. */
  | { kind: 'lock_dropped'; lock: LockRecord; target: Target };

/** A deploy's plan as its turn found it: the preview (with whether force redeploys unchanged packs), or why there is none. */
export type PlanNote = { preview: DeployPreview; force: boolean } | { error: string };

/** How a confirmation or cancellation was given: a typed phrase or command, or a button. */
export type Via = 'text' | 'button';

/** Where coordination says things; the app gives it a presenter. */
export interface CoordEvents {
  /**
   * Hands the event over to be shown. A chat presenter resolves at once and delivers in the
   * background: chat (a rate-limited platform above all) must never hold up a deploy, a
   * queue turn or anyone else's request.
   */
  emit(event: CoordEvent): Promise<void>;
  /** Whether an announcement of this repository's deploys would be shown: computing one costs a diff. */
  announces(repo: string): boolean;
  /** Resolves once everything handed over so far has been delivered (or has failed). */
  idle?(): Promise<void>;
}

/** A deploy's packs in a line: "all 100 packs" for a request of every pack (of several), else their names. */
export function packsLabel(d: Pick<DeploySubject, 'packs' | 'all'>): string {
  if (d.all || d.packs.length === 0) return d.packs.length > 1 ? `all ${d.packs.length} packs` : d.packs[0] ?? 'all packs';
  return d.packs.join(',');
}

/** What a request does, in a line (`pack queue`, the queued message): "docker from st2contrib main". */
export function requestLabel(d: Pick<DeploySubject, 'kind' | 'packs' | 'all' | 'repo' | 'branch'>): string {
  return d.kind === 'install' ? `${d.packs.join(',')} from the registry` : `${packsLabel(d)} from ${d.repo} ${d.branch}`;
}

/** The subject of every event about the deploy a queue entry (or a direct run) carries. */
export function subjectOf(p: DeployPayload): DeploySubject {
  const { plan } = p;
  return {
    id: plan.id, kind: plan.kind, repo: plan.repo.name, packs: plan.packs, all: plan.all === true,
    branch: plan.ref, defaultBranch: plan.repo.defaultBranch, requester: plan.requestedBy, target: p.target,
    autoRevert: p.revert !== undefined,
  };
}
