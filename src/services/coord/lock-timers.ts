/**
 * The two timers of a lock: a warning to its owner `warn_before` ahead, and the auto-revert
 * when it expires. They live in the job runner (the store, or BullMQ delayed jobs), so they
 * survive restarts. Each carries the lock's `since` and `expires_at`: a timer for a lock that
 * was since extended, released or retaken finds a different lock and does nothing.
 */
import { newDeployId } from '../deploy/types.js';
import { planDeploy } from '../deploy/plan.js';
import { formatDuration } from '../../core/duration.js';
import type { CoordContext } from './context.js';
import { JOBS, jobIds } from './context.js';
import { subjectOf } from './events.js';
import type { LockRecord } from './branch-locks.js';
import type { Target } from '../../core/target.js';
import { revertAfter, warnBefore } from './settings.js';
import { type DeployPayload } from './types.js';
import { SYSTEM_IDENTITY, displayIdentity } from '../../core/identity.js';

interface LockTimerData {
  pack: string;
  since: string;
  expires_at: string;
  /** When the warning was due (ms since epoch); absent in timers set by older versions. */
  warn_at?: number;
}

/**
 * A warning that runs this late (the bot was down when it was due) has lost its point: with
 * less than half its lead left, "goes back in 1s" arrives as the pack is already going back.
 * It is dropped; the revert notice that follows tells what happened. Half the lead, not a
 * fixed slack: a timer a little late (a busy process) still warns.
 */
const LATE_WARNING_SHARE = 0.5;

export async function scheduleLockTimers(ctx: CoordContext, lock: LockRecord): Promise<void> {
  const data: LockTimerData = { pack: lock.pack, since: lock.since, expires_at: lock.expires_at };
  const at = Date.parse(lock.expires_at);
  await ctx.jobs.schedule(JOBS.lockRevert, jobIds.lockRevert(lock.pack), data, at);
  const warnAt = at - warnBefore(ctx.config, lock.repo);
  if (warnAt < at && warnAt > ctx.now().getTime()) await ctx.jobs.schedule(JOBS.lockWarn, jobIds.lockWarn(lock.pack), { ...data, warn_at: warnAt }, warnAt);
  else await ctx.jobs.cancel(jobIds.lockWarn(lock.pack));
}

export async function cancelLockTimers(ctx: CoordContext, pack: string): Promise<void> {
  await ctx.jobs.cancel(jobIds.lockWarn(pack));
  await ctx.jobs.cancel(jobIds.lockRevert(pack));
}

/** The lock the timer was set for, if it is still exactly that one. */
async function sameLock(ctx: CoordContext, data: LockTimerData): Promise<LockRecord | null> {
  const lock = await ctx.locks.get(data.pack);
  return lock && lock.since === data.since && lock.expires_at === data.expires_at ? lock : null;
}

export async function warnOwner(ctx: CoordContext, raw: unknown): Promise<void> {
  const data = raw as LockTimerData;
  const lock = await sameLock(ctx, data);
  // Taken nowhere anyone can be told (an older lock): no one to warn.
  if (!lock?.target) return;
  const expiresAt = Date.parse(lock.expires_at);
  const leftMs = Math.max(0, expiresAt - ctx.now().getTime());
  const leadMs = expiresAt - (data.warn_at ?? expiresAt - warnBefore(ctx.config, lock.repo));
  if (leftMs < leadMs * LATE_WARNING_SHARE) {
    ctx.logger.info({ pack: lock.pack, left_ms: leftMs, lead_ms: leadMs }, 'lock warning overdue (the bot was down when it was due): not sent; the revert notice follows');
    return;
  }
  await ctx.events.emit({ kind: 'lock_warning', lock, defaultBranch: ctx.config.repositories[lock.repo]?.branch ?? null, leftMs, target: lock.target });
}

/** Queue a deploy of the default branch by packbot itself; its turn releases the lock. */
export async function revertLock(ctx: CoordContext, raw: unknown): Promise<void> {
  const lock = await sameLock(ctx, raw as LockTimerData);
  if (!lock) return;
  const repo = ctx.config.repositories[lock.repo];
  const target = lock.target ?? { platform: 'console', channel: repo?.notify_channel ?? 'general' };
  if (!repo) {
    // The repository left the config: nothing to deploy from, but the lock must not outlive it.
    await ctx.locks.releaseIf(lock.pack, lock.since);
    await ctx.events.emit({ kind: 'lock_dropped', lock, target });
    return;
  }
  const id = newDeployId();
  const planned = planDeploy(ctx.config, {
    id, repo: lock.repo, packs: [], ref: repo.branch, requestedBy: SYSTEM_IDENTITY, channel: target.channel,
    note: `auto-revert: ${displayIdentity(lock.owner)}'s lock on ${lock.branch} expired after ${formatDuration(revertAfter(ctx.config, lock.repo))}`,
  });
  // The pack is the ref a deploy locked (as a chat deploy's targets are), not a name someone
  // typed: taken as is; the deploy finds the directory whose pack.yaml has that ref.
  const payload: DeployPayload = { plan: { ...planned, packs: [lock.pack] }, target, policy: 'never', revert: lock };
  const { ahead } = await ctx.queue.enqueue({
    id, packs: [lock.pack], requester: SYSTEM_IDENTITY, channel: target.channel,
    summary: `${lock.pack} back to ${lock.repo} ${repo.branch} (auto-revert)`, policy: 'never', payload,
  });
  // Queued is queued: a failure to tell it must not keep it from its turn.
  await ctx.events.emit({ kind: 'queued', deploy: subjectOf(payload), ahead, policy: 'never', waiting: ahead > 0 })
    .catch((err: unknown) => ctx.logger.warn({ err, entry: id }, 'could not tell that a deploy was queued'));
  await ctx.pump();
}

/**
 * A rollback of `pack` by `identity` landed on a release from `to`: back on the lock's
 * repository's default branch, the lock has nothing left to protect, as after a
 * default-branch deploy; it is released and its holder told. Else it stays.
 */
export async function releaseAfterRollback(
  ctx: CoordContext, pack: string, identity: string, origin: Target, to: { repo: string; branch: string; deployId: string },
): Promise<LockRecord | null> {
  const lock = await ctx.locks.get(pack);
  const defaultBranch = lock ? ctx.config.repositories[lock.repo]?.branch : undefined;
  if (!lock || defaultBranch === undefined || to.repo !== lock.repo || to.branch !== defaultBranch) return null;
  if (!(await ctx.locks.releaseIf(pack, lock.since))) return null;
  await cancelLockTimers(ctx, pack);
  await ctx.events.emit({
    kind: 'lock_released', pack, repo: lock.repo, by: identity, defaultBranch, origin, deployId: to.deployId,
    ...(lock.owner !== identity ? { owner: lock.owner } : {}),
  });
  return lock;
}
