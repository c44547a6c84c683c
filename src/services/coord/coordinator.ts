/**
 * Coordination of deploys: every request goes through the per-pack queue; its turn may need
 * a typed confirmation; locks are checked when it is asked for and again when its turn
 * comes. Written once over StateStore and JobRunner, so it behaves the same embedded and
 * with several processes on one Redis: every state change is a compare-and-set, every
 * background step a job that any process may run.
 */
import { PackbotError } from '../../core/errors.js';
import { reply } from '../../interfaces/chat/reply.js';
import { formatDuration } from '../../domain/config/index.js';
import { newDeployId, type DeployRequest, type DeployResult } from '../deploy/types.js';
import type { ResolvedRepository } from '../deploy/resolve.js';
import type { StateStore } from '../../domain/store/state.js';
import { createConfirmations, type Answer, type PendingConfirmation } from './confirmations.js';
import { JOBS, jobIds, type CoordContext } from './context.js';
import { createLocks, decideLock, refusalMessage } from './locks.js';
import { cancelLockTimers, revertLock, scheduleLockTimers, warnOwner } from './lock-timers.js';
import { choosePhrase } from './phrases.js';
import { createQueue, eligible, type QueueEntry } from './queue.js';
import { confirmPhrases, confirmPolicy, confirmTimeout, isAdmin, revertAfter } from './settings.js';
import { moveLocks, runTurn } from './turn.js';
import { displayName, isChatIdentity, type ChatTarget, type ConfirmPolicy, type DeployPayload } from './types.js';

export interface CoordinatorDeps extends Omit<CoordContext, 'queue' | 'locks' | 'confirmations' | 'pump' | 'now'> {
  store: StateStore;
  now?: () => Date;
  /** Random choice for phrases (tests fix it). */
  pick?: (n: number) => number;
  /** How often to expire old requests and pick up work a crashed process left (ms). */
  sweepMs?: number;
}

export interface DeployAsk {
  request: DeployRequest & { id: string };
  repo: ResolvedRepository;
  branch: string;
  packs: string[];
  target: ChatTarget;
  aliasPolicy?: ConfirmPolicy;
  /** Exactly this policy, whatever the config says (auto deployment's `confirm`). */
  policy?: ConfirmPolicy;
}

const payloadOf = (e: QueueEntry) => e.payload as DeployPayload;
const whatOf = (p: DeployPayload) => (p.request.kind === 'install' ? `${p.request.packs} from the registry` : `${p.request.packs || 'all packs'} from ${p.repo} ${p.branch}`);

export function createCoordinator(deps: CoordinatorDeps) {
  const now = deps.now ?? (() => new Date());
  const { config, jobs, notifier, logger } = deps;
  const queue = createQueue(deps.store, {
    concurrency: config.queue.concurrency, now,
    onRetry: (err) => logger.warn({ err }, 'the deploy queue could not be written; trying again'),
  });
  const locks = createLocks(deps.store, { now, revertAfterMs: (repo) => revertAfter(config, repo) });
  const confirmations = createConfirmations(deps.store, { now });
  let pumping: Promise<void> | null = null;
  let again = false;
  let sweeper: NodeJS.Timeout | null = null;

  const ctx: CoordContext = { ...deps, queue, locks, confirmations, now, pump };

  const needsConfirmation = (e: QueueEntry) => e.policy === 'always' || (e.policy === 'when_queued' && (e.ahead ?? 0) > 0);

  async function ask(e: QueueEntry): Promise<void> {
    const p = payloadOf(e);
    const timeoutMs = confirmTimeout(config, p.repo);
    const phrase = choosePhrase(confirmPhrases(config, p.repo), deps.pick);
    const pending = await confirmations.ask({ entryId: e.id, requester: e.requester, channel: p.target.channel, phrase, timeoutMs, what: e.summary });
    if (!pending) return;
    await jobs.schedule(JOBS.confirmTimeout, jobIds.confirmTimeout(e.id), { id: e.id }, Date.parse(pending.expires_at));
    await notifier.send(p.target, reply('confirm_prompt', {
      phrase, packs: p.request.packs || 'all packs', repo: p.repo, branch: p.branch, timeout: formatDuration(timeoutMs), id: e.id,
      ...(isChatIdentity(e.requester) ? {} : { pushedBy: displayName(e.requester) }),
    }, {
      mention: true,
      buttons: [
        { action: 'confirm', entryId: e.id, label: 'Confirm', style: 'primary' },
        { action: 'cancel', entryId: e.id, label: 'Cancel', style: 'danger' },
      ],
    }));
  }

  async function dispatch(e: QueueEntry): Promise<void> {
    if (e.awaiting === 'confirmation') await ask(e);
    else await jobs.run(JOBS.turn, jobIds.turn(e.id), { id: e.id });
  }

  /** Coalesced: concurrent calls share one pass plus, if asked meanwhile, one more. */
  function pump(): Promise<void> {
    if (pumping) {
      again = true;
      return pumping;
    }
    pumping = (async () => {
      do {
        again = false;
        for (const e of await queue.promote(needsConfirmation)) await dispatch(e);
      } while (again);
    })().finally(() => (pumping = null));
    return pumping;
  }

  async function confirmTimedOut(raw: unknown): Promise<void> {
    const id = (raw as { id: string }).id;
    const e = await queue.get(id);
    if (!e || e.state !== 'ready' || e.awaiting !== 'confirmation') return;
    const p = payloadOf(e);
    if (!(await confirmations.withdraw(p.target.channel, e.requester, id))) return;
    if (!(await queue.finish(id))) return;
    await notifier.send(p.target, reply('confirm_timeout', {
      packs: p.request.packs || 'all packs', repo: p.repo, branch: p.branch, timeout: formatDuration(confirmTimeout(config, p.repo)),
    }, { mention: true }));
    await pump();
  }

  /** Old requests out, due work in: also what picks up after a process that died. */
  async function sweep(starting: boolean): Promise<void> {
    for (const e of await queue.expire(config.queue.max_wait)) {
      const p = payloadOf(e);
      await notifier.send(p.target, reply('queue_expired', {
        packs: p.request.packs || 'all packs', repo: p.repo, branch: p.branch, id: e.id,
        waited: formatDuration(Math.round((now().getTime() - Date.parse(e.enqueued_at)) / 1000) * 1000), max: formatDuration(config.queue.max_wait),
      }, { mention: true }));
    }
    await pump();
    const stranded = (await queue.list()).filter((e) => e.state === 'ready' && (e.awaiting === 'worker' || starting));
    // Promoted by a process that stopped (or failed) before it could hand the entry on.
    for (const e of stranded.length > 0 ? await queue.withPayloads(stranded) : []) await dispatch(e);
    if (starting) await queue.tidy();
  }

  /** Confirmed: the timeout is moot and a worker may run the turn. */
  async function proceed(id: string): Promise<void> {
    await jobs.cancel(jobIds.confirmTimeout(id));
    if (await queue.confirmed(id)) await jobs.run(JOBS.turn, jobIds.turn(id), { id });
  }

  async function turnFailed(id: string, reason: string): Promise<void> {
    const e = await queue.finish(id);
    if (!e) return;
    const p = payloadOf(e);
    await notifier.send(p.target, reply('deploy_interrupted', { id, packs: p.request.packs || 'all packs', reason }, { mention: true }));
    await pump();
  }

  return {
    queue, locks, confirmations, pump,

    checkLocks,

    /**
     * A deploy run outside the queue (the CLI): its packs' locks move as a queued deploy's
     * would — taken for a branch, released by the default branch — with the same timers.
     */
    async settleDirect(a: { request: DeployRequest; repo: ResolvedRepository; branch: string; target: ChatTarget }, result: DeployResult): Promise<void> {
      await moveLocks(ctx, {
        request: { ...a.request, id: result.deploy_id }, repo: a.repo.name, branch: a.branch, defaultBranch: a.repo.defaultBranch, target: a.target, policy: 'never',
      }, result);
    },

    /** Queue a deploy; refused at once (nothing queued) if a lock stands in its way. */
    async request(a: DeployAsk): Promise<{ entry: QueueEntry; ahead: number }> {
      await checkLocks({ requester: a.request.requestedBy, repo: a.repo, branch: a.branch, packs: a.packs });
      const payload: DeployPayload = {
        request: a.request, repo: a.repo.name, branch: a.branch, defaultBranch: a.repo.defaultBranch, target: a.target,
        policy: a.policy ?? confirmPolicy(config, a.repo.name, a.aliasPolicy),
      };
      const queued = await queue.enqueue({
        id: a.request.id, packs: a.packs, requester: a.request.requestedBy, channel: a.target.channel, summary: whatOf(payload), policy: payload.policy, payload,
      });
      // Queued is queued: if handing it on fails now, the sweep hands it on shortly, so the
      // requester must not be told to try again (that would deploy twice).
      await pump().catch((err: unknown) => logger.warn({ err, entry: a.request.id }, 'could not hand on queued work; the sweep will'));
      return queued;
    },

    /**
     * A typed phrase (or `pack confirm <phrase>`): confirming hands the turn to a worker.
     * `mayConfirm(repo)`: whether this person may confirm a push's deploy from that repository.
     */
    async answer(identity: string, channel: string, text: string, explicit: boolean, mayConfirm?: (repo: string) => boolean): Promise<Answer> {
      const adopt = async (p: PendingConfirmation) => {
        if (!mayConfirm || isChatIdentity(p.requester)) return false;
        const entry = await queue.get(p.entryId);
        return entry !== null && mayConfirm(payloadOf(entry).repo);
      };
      const answer = await confirmations.answer(identity, channel, text, explicit, adopt);
      if (answer.kind === 'confirmed') await proceed(answer.pending.entryId);
      return answer;
    },

    /** A Confirm button on entry `entryId`'s prompt: only its requester's click counts. */
    async confirmEntry(identity: string, entryId: string): Promise<Answer> {
      const e = await queue.get(entryId);
      if (!e || e.state !== 'ready' || e.awaiting !== 'confirmation') return { kind: 'none' };
      const channel = payloadOf(e).target.channel;
      const pending = (await confirmations.pending(channel, e.requester)).find((c) => c.entryId === entryId);
      if (!pending) return { kind: 'none' };
      // A push's deploy has no chat requester: the button's permission check decides who may.
      if (e.requester !== identity && isChatIdentity(e.requester)) return { kind: 'not_yours', pending };
      if (!(await confirmations.withdraw(channel, e.requester, entryId))) return { kind: 'none' };
      await proceed(entryId);
      return { kind: 'confirmed', pending };
    },

    /** The requester (or an admin) withdraws a request that has not started. */
    async cancel(identity: string, channel: string, id: string): Promise<{ entry: QueueEntry; forced: boolean }> {
      let target = id;
      if (target === '') {
        const mine = await confirmations.pending(channel, identity);
        const entries = (await queue.list()).filter((e) => e.requester === identity && e.state !== 'running');
        target = mine.at(-1)?.entryId ?? entries.at(-1)?.id ?? '';
        if (target === '') throw new PackbotError('queue_unknown', 'You have nothing waiting to cancel; `pack queue` shows what is queued.');
      }
      const entry = await queue.cancel(target, identity, isAdmin(config, identity));
      await confirmations.withdraw(payloadOf(entry).target.channel, entry.requester, entry.id);
      await jobs.cancel(jobIds.confirmTimeout(entry.id));
      await pump();
      return { entry, forced: entry.requester !== identity };
    },

    async unlock(pack: string, identity: string) {
      const result = await locks.release(pack, identity, { admin: isAdmin(config, identity) });
      await cancelLockTimers(ctx, pack);
      const at = now().toISOString();
      await deps.history.append({
        id: newDeployId(), kind: 'unlock', requested_by: identity,
        repo: result.lock.repo, branch: result.lock.branch, started_at: at, finished_at: at, duration_ms: 0, result: 'success',
        packs: [{ pack, status: 'unlocked', from: result.lock.branch, to: null, warnings: [] }], stages: {},
        note: result.forced ? `forced; the lock was ${displayName(result.lock.owner)}'s` : 'released by its owner',
      });
      return result;
    },

    async extend(pack: string, identity: string, ms: number) {
      const lock = await locks.extend(pack, identity, ms);
      await scheduleLockTimers(ctx, lock);
      return lock;
    },

    async start(): Promise<void> {
      jobs.handle(JOBS.turn, (data, info) => runTurn(ctx, (data as { id: string }).id, info.attempt));
      jobs.handle(JOBS.confirmTimeout, confirmTimedOut);
      jobs.handle(JOBS.lockWarn, (data) => warnOwner(ctx, data));
      jobs.handle(JOBS.lockRevert, (data) => revertLock(ctx, data));
      jobs.onFailed(async (job) => {
        if (job.name === JOBS.turn) await turnFailed((job.data as { id: string }).id, job.reason);
        else logger.error({ job: job.id, reason: job.reason }, 'background job failed');
      });
      await jobs.start();
      await sweep(true);
      sweeper = setInterval(() => void sweep(false).catch((err: unknown) => logger.warn({ err }, 'queue sweep failed')), deps.sweepMs ?? 5000);
      sweeper.unref();
    },

    /** Resolves when nothing is running and nothing could start (only people or timers are awaited). */
    settled: drained,

    /** With `drain`, first lets everything that can run now finish (a scripted chat's end). */
    async stop(opts: { drain?: boolean } = {}): Promise<void> {
      if (sweeper) clearInterval(sweeper);
      sweeper = null;
      if (opts.drain) await drained();
      await jobs.stop();
    },
  };

  /** Throws pack_locked, saying who holds it and how to unlock, if a lock stands in the way. */
  async function checkLocks(a: { requester: string; repo: ResolvedRepository; branch: string; packs: readonly string[] }): Promise<void> {
    for (const pack of a.packs) {
      const decision = decideLock(await locks.get(pack), { requester: a.requester, repo: a.repo.name, branch: a.branch, defaultBranch: a.repo.defaultBranch });
      if (decision.kind === 'refused') {
        throw new PackbotError('pack_locked', refusalMessage(decision.lock, { now: now(), defaultBranch: a.repo.defaultBranch, prefix: config.bot.prefix, display: displayName }));
      }
    }
  }

  /** Nothing running and nothing that could start: only waits for people (or timers) remain. */
  async function drained(): Promise<void> {
    for (;;) {
      await pumping;
      const entries = await queue.list();
      const busy = entries.some((e) => e.state === 'running' || (e.state === 'ready' && e.awaiting === 'worker'));
      if (!busy && eligible(entries, config.queue.concurrency).length === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export type Coordinator = ReturnType<typeof createCoordinator>;
