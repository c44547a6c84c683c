/**
 * A verified push → deploys of exactly the packs it changed, on the repositories that
 * auto-deploy from that branch. Attributed to the pusher, queued like any deploy (so the
 * queue, locks and notifications behave as for a person), without a confirmation unless
 * `auto_deployment.confirm` asks for one. Locked packs are left alone and their holders told.
 */
import { reply } from '../../interfaces/chat/reply.js';
import type { PackbotConfig } from '../../domain/config/index.js';
import type { Coordinator } from '../coord/coordinator.js';
import { decideLock, humanSpan } from '../coord/locks.js';
import type { ChatTarget, Notifier } from '../coord/types.js';
import { splitIdentity } from '../coord/types.js';
import { resolveRepository } from '../deploy/resolve.js';
import { newDeployId } from '../deploy/types.js';
import { isPackbotError } from '../../core/errors.js';
import type { Git } from '../../domain/git/index.js';
import type { Logger } from '../../core/logging/logger.js';
import type { Masker } from '../../core/masking/masker.js';
import type { PackStore } from '../../domain/packstore/index.js';
import type { PushEvent } from './push-event.js';
import { changedPacks } from './changed.js';
import { repositoriesFor, type MatchedRepository } from './match.js';

export interface AutoDeployDeps {
  config: PackbotConfig;
  git: Git;
  store: Pick<PackStore, 'list'>;
  coordinator: Pick<Coordinator, 'request' | 'locks'>;
  notifier: Notifier;
  logger: Logger;
  masker: Masker;
  /** The chat platform notify channels are on (the first adapter's). */
  platform: string;
  now?: () => Date;
}

export interface PushOutcome {
  repo: string;
  /**
   * queued: a deploy was queued; unchanged: no pack changed; skipped: every changed pack is
   * locked; ignored: not for auto deployment; failed: reading the push failed (fetch, say).
   */
  status: 'queued' | 'unchanged' | 'skipped' | 'ignored' | 'failed';
  reason?: string;
  packs: string[];
  locked: string[];
  removed: string[];
  forced?: boolean;
  deploy_id?: string;
}

/** `github:alice`: who a webhook deploy is recorded as (a name, not a chat identity). */
export function pusherIdentity(event: PushEvent): string {
  const who = (event.pusher.login ?? event.pusher.name).trim().replace(/\s+/g, '_') || 'unknown';
  return `${event.provider}:${who}`;
}

const firstLines = (message: string) => {
  const text = message.trim().split('\n').slice(0, 3).join('\n');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
};

export async function autoDeploy(deps: AutoDeployDeps, event: PushEvent): Promise<PushOutcome[]> {
  const matched = repositoriesFor(deps.config, event.repoUrls);
  const outcomes: PushOutcome[] = [];
  for (const repo of matched) {
    try {
      outcomes.push(await forRepository(deps, repo, event));
    } catch (err) {
      // One repository's failure (its fetch, say) must not cost the others their deploy.
      const reason = deps.masker.mask(isPackbotError(err) ? err.message : err instanceof Error ? err.message : String(err));
      deps.logger.warn({ repo: repo.name, provider: event.provider, err: reason }, 'auto deployment failed');
      const channel = repo.config.auto_deployment?.notify_channel ?? repo.config.notify_channel ?? '';
      await send(deps, { platform: deps.platform, channel }, reply('autodeploy_failed', { repo: repo.name, branch: event.branch ?? '', reason }));
      outcomes.push({ repo: repo.name, status: 'failed', reason, packs: [], locked: [], removed: [] });
    }
  }
  return outcomes;
}

async function forRepository(deps: AutoDeployDeps, match: MatchedRepository, event: PushEvent): Promise<PushOutcome> {
  const base = { repo: match.name, packs: [], locked: [], removed: [] };
  const auto = match.config.auto_deployment;
  if (!auto) return { ...base, status: 'ignored', reason: 'auto_deployment is not set for this repository' };
  if (event.branch === null) return { ...base, status: 'ignored', reason: 'not a branch push' };
  if (event.branch !== auto.branch) return { ...base, status: 'ignored', reason: `pushes to ${event.branch} are not deployed (auto deployment follows ${auto.branch})` };
  const channel = auto.notify_channel ?? match.config.notify_channel ?? '';
  const target: ChatTarget = { platform: deps.platform, channel };
  const author = event.headCommit?.author ?? event.pusher.name;
  const log = deps.logger.child({ repo: match.name, provider: event.provider, branch: event.branch });

  if (event.deleted || event.after === null) {
    await send(deps, target, reply('autodeploy_branch_deleted', { repo: match.name, branch: event.branch, author: event.pusher.name }));
    return { ...base, status: 'ignored', reason: 'the branch was deleted; nothing deployed or removed' };
  }

  const resolved = resolveRepository(deps.config, match.name);
  await deps.git.sync(resolved.remote);
  const changed = await changedPacks({
    git: deps.git, store: deps.store, remote: resolved.remote, repo: match.name, subtree: match.config.subtree,
    before: event.created ? null : event.before, after: event.after, forced: event.forced,
  });
  log.info({ packs: changed.packs, removed: changed.removed, basis: changed.basis, forced: changed.forced }, 'push read');
  if (changed.packs.length === 0) {
    return { ...base, removed: changed.removed, forced: changed.forced, status: 'unchanged', reason: 'the push changed no pack' };
  }

  const identity = pusherIdentity(event);
  const now = deps.now ?? (() => new Date());
  const free: string[] = [];
  const locked: string[] = [];
  for (const pack of changed.packs) {
    const lock = await deps.coordinator.locks.get(pack);
    const decision = decideLock(lock, { requester: identity, repo: match.name, branch: event.branch, defaultBranch: resolved.defaultBranch });
    if (decision.kind !== 'refused') {
      free.push(pack);
      continue;
    }
    locked.push(pack);
    const holder = splitIdentity(decision.lock.owner);
    const where: ChatTarget = decision.lock.target ?? { ...target, platform: holder.platform || target.platform };
    await send(deps, { ...where, user: holder.user }, reply('autodeploy_locked', {
      repo: match.name, branch: event.branch, author, pack, held: decision.lock.branch,
      since: humanSpan(now().getTime() - Date.parse(decision.lock.since)), prefix: deps.config.bot.prefix,
    }, { mention: true }));
  }
  const outcome = { ...base, packs: free, locked, removed: changed.removed, forced: changed.forced };
  if (free.length === 0) return { ...outcome, status: 'skipped', reason: 'every changed pack is locked' };

  const id = newDeployId();
  const packs = match.config.subtree ? free.join(',') : '';
  await send(deps, target, reply('autodeploy_triggered', {
    repo: match.name, branch: event.branch, author, packs: free.join(', '), skipped: locked.length, forced: changed.forced,
    message: firstLines(event.headCommit?.message ?? ''),
  }));
  try {
    await deps.coordinator.request({
      request: {
        id, repo: match.name, packs, ref: event.branch, requestedBy: identity, channel,
        note: `auto deployment: ${event.provider} push ${event.after.slice(0, 12)}`,
      },
      repo: resolved, branch: event.branch, packs: free, target,
      policy: auto.confirm ? 'always' : 'never',
    });
  } catch (err) {
    // A lock taken between the check above and the queue: the holder keeps the pack.
    if (isPackbotError(err) && err.code === 'pack_locked') return { ...outcome, status: 'skipped', reason: err.message };
    throw err;
  }
  return { ...outcome, status: 'queued', deploy_id: id };
}

/** A notification that fails is logged: the deploy it is about goes ahead regardless. */
async function send(deps: AutoDeployDeps, target: ChatTarget, r: ReturnType<typeof reply>): Promise<void> {
  if (target.channel === '') return;
  await deps.notifier.send(target, r).catch((err: unknown) => deps.logger.warn({ err, template: r.template }, 'could not send an auto deployment notice'));
}
