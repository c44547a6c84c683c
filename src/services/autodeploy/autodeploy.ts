/**
 * A verified push → deploys of exactly the packs it changed, on the repositories that
 * auto-deploy from that branch. Attributed to the pusher, queued like any deploy (so the
 * queue, locks and notifications behave as for a person), without a confirmation unless
 * `auto_deployment.confirm` asks for one. Locked packs are left alone and their holders told.
 */
import type { PackbotConfig } from '../../domain/config/index.js';
import type { Coordinator } from '../coord/coordinator.js';
import { decideLock } from '../coord/branch-locks.js';
import type { Target } from '../../core/target.js';
import { identityOf, parseIdentity } from '../../core/identity.js';
import { resolveRepository } from '../deploy/resolve.js';
import { newDeployId } from '../deploy/types.js';
import { planResolved } from '../deploy/plan.js';
import { keyOf, refAt, refsOf } from '../deploy/pack-refs.js';
import type { YamlPool } from '../../core/yaml-safe/index.js';
import { isPackbotError } from '../../core/errors.js';
import type { Git } from '../../domain/git/index.js';
import type { Logger } from '../../core/logging/logger.js';
import type { Masker } from '../../core/masking/masker.js';
import type { PackStore } from '../../domain/packstore/index.js';
import type { PushEvent } from './push-event.js';
import { changedPacks } from './changed.js';
import type { AutoDeployEvents } from './events.js';
import { repositoriesFor, type MatchedRepository } from './match.js';

export interface AutoDeployDeps {
  config: PackbotConfig;
  git: Git;
  store: Pick<PackStore, 'list'>;
  coordinator: Pick<Coordinator, 'request' | 'locks'>;
  /** Where the notices about a push go (the app's presenter). */
  events: AutoDeployEvents;
  logger: Logger;
  masker: Masker;
  /** The chat platform notify channels are on (the first adapter's). */
  platform: string;
  now?: () => Date;
  /** Where pack.yaml files are parsed (the app's bounded pool). */
  yaml?: YamlPool;
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
  return identityOf(event.provider, who);
}

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
      await deps.events.emit({ kind: 'autodeploy_failed', repo: repo.name, branch: event.branch, reason, target: { platform: deps.platform, channel } });
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
  const target: Target = { platform: deps.platform, channel };
  const author = event.headCommit?.author ?? event.pusher.name;
  const log = deps.logger.child({ repo: match.name, provider: event.provider, branch: event.branch });

  if (event.deleted || event.after === null) {
    await deps.events.emit({ kind: 'autodeploy_branch_deleted', repo: match.name, branch: event.branch, pusher: event.pusher.name, target });
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
  // A pack goes by its pack.yaml ref, as for a deploy from chat: a changed directory whose
  // ref is a locked pack is that locked pack.
  const reader = { git: deps.git, remote: resolved.remote, commit: event.after, ...(deps.yaml ? { yaml: deps.yaml } : {}) };
  const refs = match.config.subtree ? await refsOf(reader, changed.packs) : await rootRef(reader, match.name);
  const free: string[] = [];
  const locked: string[] = [];
  for (const dir of changed.packs) {
    const pack = keyOf(refs, dir);
    const lock = await deps.coordinator.locks.get(pack);
    const decision = decideLock(lock, { requester: identity, repo: match.name, branch: event.branch, defaultBranch: resolved.defaultBranch });
    if (decision.kind !== 'refused') {
      free.push(dir);
      continue;
    }
    locked.push(pack);
    const holder = parseIdentity(decision.lock.owner);
    const where: Target = decision.lock.target ?? { ...target, platform: holder.platform || target.platform };
    await deps.events.emit({
      kind: 'autodeploy_locked', repo: match.name, branch: event.branch, author, pack, lock: decision.lock,
      heldMs: now().getTime() - Date.parse(decision.lock.since), target: { ...where, user: holder.id },
    });
  }
  const outcome = { ...base, packs: free, locked, removed: changed.removed, forced: changed.forced };
  if (free.length === 0) return { ...outcome, status: 'skipped', reason: 'every changed pack is locked' };

  const id = newDeployId();
  // A root pack is the repository itself: "all" (shown so), its lock checked as `free` says.
  const planned = planResolved(resolved, {
    id, packs: match.config.subtree ? free : [], ref: event.branch, requestedBy: identity, channel,
    note: `auto deployment: ${event.provider} push ${event.after.slice(0, 12)}`,
  });
  // A push is checked against no one's permission but its repository's: it may replace only
  // packs that came from this repository (an empty `replaces`), never another source's.
  const plan = { ...planned, refs, replaces: {} };
  const keys = [...new Set(free.map((dir) => keyOf(refs, dir)))];
  await deps.events.emit({
    kind: 'autodeploy_triggered', repo: match.name, branch: event.branch, author, packs: free, locked, forced: changed.forced,
    message: event.headCommit?.message ?? '', target,
  });
  try {
    await deps.coordinator.request({
      plan, packs: keys, target, policy: auto.confirm ? 'always' : 'never',
    });
  } catch (err) {
    // A lock taken between the check above and the queue: the holder keeps the pack.
    if (isPackbotError(err) && err.code === 'pack_locked') return { ...outcome, status: 'skipped', reason: err.message };
    throw err;
  }
  return { ...outcome, status: 'queued', deploy_id: id };
}

/** A root pack's ref, keyed by the name a push reports it under (the repository's). */
async function rootRef(reader: Parameters<typeof refAt>[0], repo: string): Promise<Record<string, string>> {
  const ref = await refAt(reader, '', repo);
  return ref === null ? {} : { [repo]: ref };
}
