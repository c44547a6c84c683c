/**
 * The two timers of a lock: a warning to its owner `warn_before` ahead, and the auto-revert
 * when it expires. They live in the job runner (the store, or BullMQ delayed jobs), so they
 * survive restarts. Each carries the lock's `since` and `expires_at`: a timer for a lock that
 * was since extended, released or retaken finds a different lock and does nothing.
 */
import { reply } from '../../interfaces/chat/reply.js';
import { newDeployId } from '../deploy/types.js';
import { formatDuration } from '../../domain/config/index.js';
import type { CoordContext } from './context.js';
import { JOBS, jobIds } from './context.js';
import { humanSpan, type LockRecord } from './locks.js';
import { revertAfter, warnBefore } from './settings.js';
import { displayName, SYSTEM_IDENTITY, type DeployPayload } from './types.js';

interface LockTimerData {
  pack: string;
  since: string;
  expires_at: string;
}

export async function scheduleLockTimers(ctx: CoordContext, lock: LockRecord): Promise<void> {
  const data: LockTimerData = { pack: lock.pack, since: lock.since, expires_at: lock.expires_at };
  const at = Date.parse(lock.expires_at);
  await ctx.jobs.schedule(JOBS.lockRevert, jobIds.lockRevert(lock.pack), data, at);
  const warnAt = at - warnBefore(ctx.config, lock.repo);
  if (warnAt < at && warnAt > ctx.now().getTime()) await ctx.jobs.schedule(JOBS.lockWarn, jobIds.lockWarn(lock.pack), data, warnAt);
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
  const lock = await sameLock(ctx, raw as LockTimerData);
  if (!lock?.target) return;
  const left = Math.max(0, Date.parse(lock.expires_at) - ctx.now().getTime());
  const defaultBranch = ctx.config.repositories[lock.repo]?.branch ?? 'the default branch';
  await ctx.notifier.send(lock.target, reply('lock_warning', {
    pack: lock.pack, repo: lock.repo, default: defaultBranch, branch: lock.branch, left: humanSpan(left),
  }, { mention: true }));
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
    await ctx.notifier.send(target, reply('lock_reverted', {
      pack: lock.pack, repo: lock.repo, default: 'its default branch', branch: lock.branch, owner: displayName(lock.owner),
      error: `${lock.repo} is no longer configured`,
    }));
    return;
  }
  const id = newDeployId();
  const payload: DeployPayload = {
    request: {
      id, repo: lock.repo, packs: lock.pack, ref: repo.branch, requestedBy: SYSTEM_IDENTITY, channel: target.channel,
      note: `auto-revert: ${displayName(lock.owner)}'s lock on ${lock.branch} expired after ${formatDuration(revertAfter(ctx.config, lock.repo))}`,
    },
    repo: lock.repo, branch: repo.branch, defaultBranch: repo.branch,
    target, policy: 'never', revert: lock,
  };
  await ctx.queue.enqueue({
    id, packs: [lock.pack], requester: SYSTEM_IDENTITY, channel: target.channel,
    summary: `${lock.pack} back to ${lock.repo} ${repo.branch} (auto-revert)`, policy: 'never', payload,
  });
  await ctx.pump();
}
