/**
 * One deploy's turn: check the locks again (something may have changed while it waited),
 * deploy with its progress told as events, then move the locks as the outcome says. The
 * queue guarantees nobody else deploys these packs meanwhile, so the check at the start and
 * the lock change at the end see the same world. A deploy run at once (the CLI) takes the
 * same road without the queue (runNow).
 */
import { errorMessage } from '../../core/caught.js';
import { isPackbotError } from '../../core/errors.js';
import type { DeployPreview } from '../deploy/preview-types.js';
import type { ProgressEvent } from '../deploy/stage-clock.js';
import type { DeployResult } from '../deploy/types.js';
import type { CoordContext } from './context.js';
import { subjectOf, type DeploySubject, type PlanNote } from './events.js';
import { cancelLockTimers, scheduleLockTimers } from './lock-timers.js';
import { decideLock, type LockRecord, type LockRequest } from './branch-locks.js';
import { holdTurn, NO_FENCE, turnLeaseMs, turnWasLost, type TurnFence } from './fence.js';
import { failedBecause, reportCutOff, settleOutcome } from './outcome.js';
import { readPayload } from './payload.js';
import type { QueueEntry } from './queue.js';
import type { DeployPayload } from './types.js';

/** Who deploys what, as the lock rules see it. */
function lockRequest(p: DeployPayload): LockRequest {
  return { requester: p.plan.requestedBy, repo: p.plan.repo.name, branch: p.plan.ref, defaultBranch: p.plan.repo.defaultBranch };
}

type LockProblem =
  /** Someone else's lock, found at `at`. */
  | { kind: 'refused'; lock: LockRecord; at: string }
  /** An auto-revert whose lock changed while it waited: nothing left to revert. */
  | { kind: 'moot'; reason: string };

/** Why this turn may not deploy now (or be asked to confirm), or null. */
export async function lockProblem(ctx: CoordContext, entry: QueueEntry, p: DeployPayload): Promise<LockProblem | null> {
  for (const pack of entry.packs) {
    const lock = await ctx.locks.get(pack);
    if (p.revert) {
      // Only the very lock it was queued for, and only once it has run out (not extended).
      const same = lock && lock.since === p.revert.since;
      if (!same || Date.parse(lock.expires_at) > ctx.now().getTime()) return { kind: 'moot', reason: `the lock on ${pack} was released or extended meanwhile` };
      continue;
    }
    const decision = decideLock(lock, lockRequest(p));
    if (decision.kind === 'refused') return { kind: 'refused', lock: decision.lock, at: ctx.now().toISOString() };
  }
  return null;
}

/** Whether entry `e`'s turn waits for its requester to confirm: always, or when it had to wait behind others. */
export function asksToConfirm(e: Pick<QueueEntry, 'policy' | 'ahead'>): boolean {
  return e.policy === 'always' || (e.policy === 'when_queued' && (e.ahead ?? 0) > 0);
}

/**
 * What deploying `p` would change, worked out now (the state may have moved since it was
 * queued), or why that could not be done; null when there is nothing to work out (an
 * install, an auto-revert, no previewer). Never throws: a plan is for people, not a gate.
 */
export async function planOf(ctx: CoordContext, p: DeployPayload): Promise<PlanNote | null> {
  if (!ctx.preview || p.plan.kind !== 'deploy' || p.revert) return null;
  try {
    return { preview: await ctx.preview(p.plan), force: p.plan.force };
  } catch (err) {
    ctx.logger.warn({ err, deploy: p.plan.id }, 'could not work out the plan of a deploy');
    // A typed error's message is written for people; anything else stays in the log.
    return { error: isPackbotError(err) ? err.message : `unexpected error (${errorMessage(err).split('\n')[0]}); see the log` };
  }
}

/**
 * Whether the plan says deploying would do nothing at all: every pack unchanged, no force,
 * and no pack moving to another branch (a deploy of it would still take or give back a lock).
 */
function doesNothing(preview: DeployPreview, p: DeployPayload): boolean {
  return preview.nothingToDo && !p.plan.force && preview.packs.every((pack) => pack.from?.branch === p.plan.ref);
}

/**
 * The plan a confirmation prompt shows, or 'nothing' when deploying would change nothing:
 * then the entry has left the queue and its requester is told so instead of being asked.
 */
export async function promptPlan(ctx: CoordContext, e: QueueEntry, p: DeployPayload): Promise<PlanNote | null | 'nothing'> {
  const plan = await planOf(ctx, p);
  if (!plan || !('preview' in plan) || !doesNothing(plan.preview, p)) return plan;
  if (await ctx.queue.finish(e.id)) await ctx.events.emit({ kind: 'deploy_nothing', deploy: subjectOf(p), preview: plan.preview });
  return 'nothing';
}

async function deployWithEvents(ctx: CoordContext, p: DeployPayload, plan?: PlanNote, fence: TurnFence = NO_FENCE): Promise<DeployResult> {
  const deploy = subjectOf(p);
  await fence.check('the "deploying" message');
  await ctx.events.emit({ kind: 'deploy_started', deploy, ...(plan ? { plan } : {}) });
  const onProgress = (progress: ProgressEvent) => {
    if (fence.lost) return;
    // Not awaited: the presenter keeps the updates in order and merges those it can't send yet.
    ctx.events.emit({ kind: 'progress', deploy, progress }).catch((err: unknown) => ctx.logger.warn({ err }, 'progress update failed'));
  };
  // The commit the message's plan was worked out at, fetched moments ago, is the one deployed:
  // what the requester is shown is what lands, and the mirror is not fetched twice.
  const result = await ctx.deploy(plan && 'preview' in plan ? { ...p.plan, commit: plan.preview.commit } : p.plan, onProgress, fence);
  await fence.check('the summary');
  await ctx.events.emit({ kind: 'deploy_finished', deploy, result });
  // An auto-revert is told by its own lock_reverted event instead.
  if (!p.revert) await announce(ctx, deploy, result);
  return result;
}

/** After a successful deploy of the default branch: what changed, if anyone is told. */
async function announce(ctx: CoordContext, deploy: DeploySubject, result: DeployResult): Promise<void> {
  if (!ctx.events.announces(deploy.repo) || !ctx.changes || result.error || result.success_count === 0 || deploy.branch !== deploy.defaultBranch) return;
  try {
    const changes = await ctx.changes(result);
    if (changes.length > 0) await ctx.events.emit({ kind: 'announcement', deploy, result, changes });
  } catch (err) {
    ctx.logger.warn({ err, deploy: result.deploy_id }, 'could not announce the deploy');
  }
}

/** Packs (by pack ref, the name locks and the queue go by) this deploy left on the requested ref. */
function landed(result: DeployResult): string[] {
  if (result.error) return [];
  return result.packs.filter((r) => r.status === 'deployed' || r.status === 'unchanged').map((r) => r.pack);
}

/** Takes, keeps or releases each landed pack's lock as the outcome says. */
async function moveLocks(ctx: CoordContext, p: DeployPayload, result: DeployResult): Promise<void> {
  const packs = landed(result);
  const req = lockRequest(p);
  // One read for all: a default-branch deploy of `all` leaves most packs unlocked, and an
  // unlocked pack deployed from the default branch has nothing to claim (decideLock: free).
  const held = await ctx.locks.getMany(packs);
  for (const [i, pack] of packs.entries()) {
    const before = held[i] ?? null;
    if (before === null && req.branch === req.defaultBranch) continue;
    const { decision, lock } = await ctx.locks.claim(pack, { ...req, target: p.target });
    if (decision.kind === 'take' && lock) {
      await scheduleLockTimers(ctx, lock);
      if (lock.since !== before?.since) {
        const revertsInMs = Date.parse(lock.expires_at) - ctx.now().getTime();
        await ctx.events.emit({ kind: 'lock_taken', lock, defaultBranch: p.plan.repo.defaultBranch, revertsInMs, origin: p.target, deployId: p.plan.id });
      }
    }
    if (decision.kind === 'release') {
      await cancelLockTimers(ctx, pack);
      await ctx.events.emit({ kind: 'lock_released', pack, repo: p.plan.repo.name, by: p.plan.requestedBy, defaultBranch: p.plan.repo.defaultBranch, origin: p.target, deployId: p.plan.id });
    }
  }
}

async function finishRevert(ctx: CoordContext, p: DeployPayload & { revert: LockRecord }, result: DeployResult): Promise<void> {
  const lock = p.revert;
  // Released whatever happened: a lock that cannot revert must not hold the pack forever.
  await ctx.locks.releaseIf(lock.pack, lock.since);
  await cancelLockTimers(ctx, lock.pack);
  const error = landed(result).includes(lock.pack) ? null : (result.error ?? result.packs.find((r) => r.pack === lock.pack)?.error ?? 'the deploy failed');
  await ctx.events.emit({
    kind: 'lock_reverted', lock, defaultBranch: p.plan.repo.defaultBranch, heldMs: ctx.now().getTime() - Date.parse(lock.since), error,
    target: lock.target ?? p.target,
  });
}

/** Moves the locks as `result` says: an auto-revert gives its lock back, a deploy takes or releases them. */
export function moveLocksFor(ctx: CoordContext, p: DeployPayload, result: DeployResult): Promise<void> {
  return p.revert ? finishRevert(ctx, { ...p, revert: p.revert }, result) : moveLocks(ctx, p, result);
}

/**
 * Runs entry `entryId` if it is ready (or, on a retry after a crash, still marked running by
 * the worker that died). The entry leaves the queue whatever happens.
 */
export async function runTurn(ctx: CoordContext, entryId: string, attempt: number): Promise<void> {
  const entry = await ctx.queue.start(entryId, attempt > 1);
  if (!entry) return;
  // Checked before each side effect: a worker that lost this turn to a takeover stops (fence.ts).
  const turn = holdTurn(entry, { queue: ctx.queue, logger: ctx.logger, leaseMs: turnLeaseMs(ctx.config), deployId: entryId });
  // Once the deploy has run, its outcome is settled (outcome.ts); before, an error is reconciled.
  let result: DeployResult | undefined;
  const fencedLocks = async (q: DeployPayload, r: DeployResult) => {
    await turn.check('the lock moves');
    await moveLocksFor(ctx, q, r);
  };
  try {
    const p = readPayload(ctx.config, entry.payload);
    if (attempt > 1) ctx.logger.warn({ entry: entryId, attempt }, 'resuming a deploy whose worker died');
    const problem = await lockProblem(ctx, entry, p);
    if (problem?.kind === 'moot') {
      ctx.logger.info({ pack: p.revert?.pack, reason: problem.reason }, 'auto-revert skipped');
      return;
    }
    if (problem) {
      await turn.check('the refusal');
      await ctx.events.emit({ kind: 'deploy_refused', deploy: subjectOf(p), lock: problem.lock, at: problem.at });
      return;
    }
    // Nobody was asked to confirm this one: its message still says, briefly, what it changes.
    const plan = asksToConfirm(entry) ? null : await planOf(ctx, p);
    result = await deployWithEvents(ctx, p, plan && 'preview' in plan ? plan : undefined, turn);
    // Through a store outage: retried, kept on disk meanwhile, the requester told (outcome.ts).
    await settleOutcome(ctx, p, result, fencedLocks);
  } catch (err) {
    // Lost to a takeover: the new owner reports; this worker has said so in the log and stops.
    if (turnWasLost(err, turn)) return;
    if (result !== undefined) throw err;
    // Ended in an error before its outcome was known: reported as what is active on disk.
    ctx.logger.error({ err, entry: entryId }, 'a deploy turn failed; reporting what it left active');
    await reportCutOff(ctx, entry, failedBecause(err), fencedLocks);
  } finally {
    turn.end();
    // finish() keeps trying until it lands: a turn must never leave its packs held. Given the
    // fence, it leaves an entry taken over to the worker that has it now.
    await ctx.queue.finish(entryId, turn.fence);
    await ctx.pump().catch((err: unknown) => ctx.logger.warn({ err }, 'could not hand on queued work; the sweep will'));
  }
}

/**
 * A deploy run at once, outside the queue (the CLI): the same deploy, events and lock moves
 * as a queued turn. Its caller checked the locks first; `settle` false (nothing known of what
 * it touches: its ref or packs could not be looked up, and the result says why) leaves them alone.
 */
export async function runNow(ctx: CoordContext, p: DeployPayload, settle: boolean): Promise<DeployResult> {
  const result = await deployWithEvents(ctx, p);
  if (settle) await moveLocks(ctx, p, result);
  return result;
}
