/**
 * One queued deploy's turn: check the locks again (something may have changed while it
 * waited), deploy with progress in the requester's channel, then move the locks as the
 * outcome says. The queue guarantees nobody else deploys these packs meanwhile, so the
 * check at the start and the lock change at the end see the same world.
 */
import { reply } from '../../interfaces/chat/reply.js';
import type { MessageRef } from '../../interfaces/chat/types.js';
import { progressLine, summaryCard, summaryView, workingCard } from '../../interfaces/presenter/deploy-view.js';
import type { DeployResult, ProgressEvent } from '../deploy/types.js';
import { announcementReply } from '../../interfaces/presenter/announcement.js';
import type { CoordContext } from './context.js';
import { notifyRepo } from './notify.js';
import { cancelLockTimers, scheduleLockTimers } from './lock-timers.js';
import { decideLock, humanSpan, refusalMessage, type LockRecord } from './locks.js';
import type { QueueEntry } from './queue.js';
import { displayName, type DeployPayload } from './types.js';

/** Why this turn may not deploy now, or null. */
async function lockProblem(ctx: CoordContext, entry: QueueEntry, p: DeployPayload): Promise<string | null> {
  for (const pack of entry.packs) {
    const lock = await ctx.locks.get(pack);
    if (p.revert) {
      // Only the very lock it was queued for, and only once it has run out (not extended).
      const same = lock && lock.since === p.revert.since;
      if (!same || Date.parse(lock.expires_at) > ctx.now().getTime()) return `the lock on ${pack} was released or extended meanwhile`;
      continue;
    }
    const decision = decideLock(lock, { requester: p.request.requestedBy, repo: p.repo, branch: p.branch, defaultBranch: p.defaultBranch });
    if (decision.kind === 'refused') {
      return refusalMessage(decision.lock, { now: ctx.now(), defaultBranch: p.defaultBranch, prefix: ctx.config.bot.prefix, display: displayName });
    }
  }
  return null;
}

async function deployWithProgress(ctx: CoordContext, p: DeployPayload): Promise<DeployResult> {
  // An install names versions, not a branch: "Installing slack=2.3.0 from registry…".
  const head = p.request.kind === 'install'
    ? { repo: p.repo, packs: p.request.packs, branch: '', verb: 'Installing' }
    : { repo: p.repo, packs: p.request.packs === '' ? 'all packs' : p.request.packs, branch: p.branch, verb: 'Deploying' };
  const by = displayName(p.request.requestedBy);
  // An auto-revert is announced by its own lock_reverted message instead.
  if (!p.revert) await notifyRepo(ctx, p.repo, p.target, reply('notify_deploy_started', { ...head, by, id: p.request.id }));
  const card = workingCard(head);
  const ack: MessageRef | null = await ctx.notifier.send(p.target, reply('deploy_ack', head, { card }));
  const lines: string[] = [];
  let updates: Promise<void> = Promise.resolve();
  const onProgress = (event: ProgressEvent) => {
    const line = progressLine(event);
    if (!line || !ack) return;
    lines.push(line);
    const snapshot = [...lines];
    updates = updates.then(() => ctx.notifier.update(ack, p.target, reply('deploy_progress', { ...head, lines: snapshot }, { card })));
  };
  const result = await ctx.deploy(p.request, onProgress);
  await updates.catch((err: unknown) => ctx.logger.warn({ err }, 'progress update failed'));
  await ctx.notifier.send(p.target, reply('deploy_summary', summaryView(result), { mention: true, moreHint: `\`pack history ${result.deploy_id}\``, card: summaryCard(result) }));
  if (!p.revert) {
    await notifyRepo(ctx, p.repo, p.target, reply('notify_deploy_finished', { ...summaryView(result), packs: head.packs, by }, { card: summaryCard(result) }));
    await announce(ctx, p, result, by);
  }
  return result;
}

/** After a successful deploy of the default branch: what changed, in announce_channel. */
async function announce(ctx: CoordContext, p: DeployPayload, result: DeployResult, by: string): Promise<void> {
  const channel = ctx.config.repositories[p.repo]?.announce_channel;
  if (!channel || !ctx.changes || result.error || result.success_count === 0 || p.branch !== p.defaultBranch) return;
  try {
    const changes = await ctx.changes(result);
    if (changes.length > 0) await ctx.notifier.send({ platform: p.target.platform, channel }, announcementReply(result, changes, by));
  } catch (err) {
    ctx.logger.warn({ err, deploy: result.deploy_id }, 'could not announce the deploy');
  }
}

/** Packs (by directory name) this deploy left on the requested ref. */
function landed(result: DeployResult): string[] {
  if (result.error) return [];
  return result.packs.filter((r) => r.status === 'deployed' || r.status === 'unchanged').map((r) => r.source);
}

/** Takes, keeps or releases each landed pack's lock as the outcome says (also for deploys run outside the queue). */
export async function moveLocks(ctx: CoordContext, p: DeployPayload, result: DeployResult): Promise<void> {
  const by = displayName(p.request.requestedBy);
  for (const pack of landed(result)) {
    const before = await ctx.locks.get(pack);
    const { decision, lock } = await ctx.locks.claim(pack, {
      requester: p.request.requestedBy, repo: p.repo, branch: p.branch, defaultBranch: p.defaultBranch, target: p.target,
    });
    if (decision.kind === 'take' && lock) {
      await scheduleLockTimers(ctx, lock);
      if (lock.since !== before?.since) {
        const reverts = humanSpan(Date.parse(lock.expires_at) - ctx.now().getTime());
        await notifyRepo(ctx, p.repo, p.target, reply('notify_lock_taken', { by, pack, repo: p.repo, branch: p.branch, default: p.defaultBranch, reverts }));
      }
    }
    if (decision.kind === 'release') {
      await cancelLockTimers(ctx, pack);
      await notifyRepo(ctx, p.repo, p.target, reply('notify_lock_released', { by, pack, repo: p.repo, branch: p.defaultBranch, back: true }));
    }
  }
}

async function finishRevert(ctx: CoordContext, p: DeployPayload & { revert: LockRecord }, result: DeployResult): Promise<void> {
  const lock = p.revert;
  // Released whatever happened: a lock that cannot revert must not hold the pack forever.
  await ctx.locks.releaseIf(lock.pack, lock.since);
  await cancelLockTimers(ctx, lock.pack);
  const failed = landed(result).includes(lock.pack) ? null : (result.error ?? result.packs.find((r) => r.source === lock.pack)?.error ?? 'the deploy failed');
  const view = {
    pack: lock.pack, repo: lock.repo, default: p.defaultBranch, branch: lock.branch, owner: displayName(lock.owner),
    held: humanSpan(ctx.now().getTime() - Date.parse(lock.since)), error: failed,
  };
  const owner = lock.target ?? p.target;
  await ctx.notifier.send(owner, reply('lock_reverted', view, { mention: true }));
  await notifyRepo(ctx, lock.repo, owner, reply('lock_reverted', view));
}

/**
 * Runs entry `entryId` if it is ready (or, on a retry after a crash, still marked running by
 * the worker that died). The entry leaves the queue whatever happens.
 */
export async function runTurn(ctx: CoordContext, entryId: string, attempt: number): Promise<void> {
  const entry = await ctx.queue.start(entryId, attempt > 1);
  if (!entry) return;
  const p = entry.payload as DeployPayload;
  try {
    if (attempt > 1) ctx.logger.warn({ entry: entryId, attempt }, 'resuming a deploy whose worker died');
    const problem = await lockProblem(ctx, entry, p);
    if (problem && p.revert) {
      ctx.logger.info({ pack: p.revert.pack, reason: problem }, 'auto-revert skipped');
      return;
    }
    if (problem) {
      await ctx.notifier.send(p.target, reply('deploy_refused', { message: problem }, { mention: true }));
      return;
    }
    const result = await deployWithProgress(ctx, p);
    if (p.revert) await finishRevert(ctx, { ...p, revert: p.revert }, result);
    else await moveLocks(ctx, p, result);
  } finally {
    // finish() keeps trying until it lands: a turn must never leave its packs held.
    await ctx.queue.finish(entryId);
    await ctx.pump().catch((err: unknown) => ctx.logger.warn({ err }, 'could not hand on queued work; the sweep will'));
  }
}
