/**
 * Coordination of deploys: every request goes through the per-pack queue; its turn may need
 * a typed confirmation; locks are checked when it is asked for and again when its turn
 * comes. Written once over StateStore and JobRunner, so it behaves the same embedded and
 * with several processes on one Redis: every state change is a compare-and-set, every
 * background step a job that any process may run.
 */
import { PackbotError } from '../../core/errors.js';
import { newDeployId, type DeployPlan, type DeployResult } from '../deploy/types.js';
import type { PlannedRepository } from '../deploy/resolve.js';
import type { StateStore } from '../../domain/store/state.js';
import { createConfirmations, type Answer, type PendingConfirmation } from './confirmations.js';
import { JOBS, jobIds, type CoordContext } from './context.js';
import { requestLabel, subjectOf, type CoordEvents, type Via } from './events.js';
import { assertUnlocked, createLocks } from './branch-locks.js';
import { cancelLockTimers, releaseAfterRollback, revertLock, scheduleLockTimers, warnOwner } from './lock-timers.js';
import { choosePhrase } from './phrases.js';
import { readPayload } from './payload.js';
import { createQueue, eligible, type QueueEntry } from './queue.js';
import { createStoreEpoch } from './store-epoch.js';
import { turnLeaseMs } from './fence.js';
import { confirmPhrases, confirmPolicy, confirmTimeout, isAdmin, revertAfter } from './settings.js';
import { asksToConfirm, lockProblem, moveLocksFor, promptPlan, runNow, runTurn } from './turn.js';
import { outcomeReplayer, reportCutOff } from './outcome.js';
import { type ConfirmPolicy, type DeployPayload } from './types.js';
import { displayIdentity, isChatIdentity } from '../../core/identity.js';
import type { Target } from '../../core/target.js';

export interface CoordinatorDeps extends Omit<CoordContext, 'queue' | 'locks' | 'confirmations' | 'pump' | 'now'> {
  store: StateStore;
  now?: () => Date;
  /** Random choice for phrases (tests fix it). */
  pick?: (n: number) => number;
  /** How often to expire old requests and pick up work a crashed process left (ms). */
  sweepMs?: number;
}

export interface DeployAsk {
  /** Queued as it is, and run so at its turn. */
  plan: DeployPlan;
  /** The packs it touches, for the locks and the queue (for "all": the packs on its ref now). */
  packs: string[];
  target: Target;
  aliasPolicy?: ConfirmPolicy;
  /** Exactly this policy, whatever the config says (auto deployment's `confirm`). */
  policy?: ConfirmPolicy;
  /** How a refusal names the lock's owner (chat: a person mark its platform resolves); default displayIdentity. */
  display?: (identity: string) => string;
}

/** A deploy run at once, outside the queue (the CLI's `packbot deploy` and `install`). */
export interface DirectRun {
  plan: DeployPlan;
  /** The packs it touches, for the locks; null when that is not known (the run's result says why). */
  packs: string[] | null;
  target: Target;
}


export function createCoordinator(deps: CoordinatorDeps) {
  const now = deps.now ?? (() => new Date());
  const { config, jobs, events, logger } = deps;
  const queue = createQueue(deps.store, {
    concurrency: config.queue.concurrency, now, leaseMs: turnLeaseMs(config),
    onRetry: (err) => logger.warn({ err }, 'the deploy queue could not be written; trying again'),
  });
  const locks = createLocks(deps.store, { now, revertAfterMs: (repo) => revertAfter(config, repo) });
  const confirmations = createConfirmations(deps.store, { now });
  let pumping: Promise<void> | null = null;
  let again = false;
  let sweeper: NodeJS.Timeout | null = null;

  const ctx: CoordContext = { ...deps, queue, locks, confirmations, now, pump };
  const payloadOf = (e: QueueEntry) => readPayload(config, e.payload);
  // A store that came back empty lost the queue: the requests this process queued are told so (store-epoch.ts).
  const epoch = createStoreEpoch({ store: deps.store, events, logger, listQueue: () => queue.list() });
  const moveLocks = (p: DeployPayload, result: DeployResult) => moveLocksFor(ctx, p, result);
  const replay = outcomeReplayer(ctx, moveLocks);

  async function ask(e: QueueEntry): Promise<void> {
    const p = payloadOf(e);
    // A lock taken while it waited: say so now rather than ask for a phrase and refuse after.
    const problem = await lockProblem(ctx, e, p);
    if (problem) {
      if (!(await queue.finish(e.id))) return;
      if (problem.kind === 'refused') await events.emit({ kind: 'deploy_refused', deploy: subjectOf(p), lock: problem.lock, at: problem.at });
      again = true;
      return;
    }
    // The plan as things stand now; a request it shows would change nothing is told so, not asked.
    const plan = await promptPlan(ctx, e, p);
    if (plan === 'nothing') {
      again = true;
      return;
    }
    const timeoutMs = confirmTimeout(config, p.plan.repo.name);
    const phrase = choosePhrase(confirmPhrases(config, p.plan.repo.name), deps.pick);
    const pending = await confirmations.ask({ entryId: e.id, requester: e.requester, channel: p.target.channel, phrase, timeoutMs, what: e.summary });
    if (!pending) return;
    await jobs.schedule(JOBS.confirmTimeout, jobIds.confirmTimeout(e.id), { id: e.id }, Date.parse(pending.expires_at));
    await events.emit({ kind: 'confirmation_requested', deploy: subjectOf(p), phrase, timeoutMs, ...(plan ? { plan } : {}) });
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
        for (const e of await queue.promote(asksToConfirm)) await dispatch(e);
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
    await events.emit({ kind: 'confirmation_expired', deploy: subjectOf(p), timeoutMs: confirmTimeout(config, p.plan.repo.name) });
    await pump();
  }

  /** Old requests out, due work in: also what picks up after a process that died. */
  async function sweep(starting: boolean): Promise<void> {
    await epoch.check();
    for (const e of await queue.expire(config.queue.max_wait)) {
      const waitedMs = now().getTime() - Date.parse(e.enqueued_at);
      await events.emit({ kind: 'queue_expired', deploy: subjectOf(payloadOf(e)), waitedMs, maxWaitMs: config.queue.max_wait });
    }
    await pump();
    const stranded = (await queue.list()).filter((e) => e.state === 'ready' && (e.awaiting === 'worker' || starting));
    // Promoted by a process that stopped (or failed) before it could hand the entry on.
    for (const e of stranded.length > 0 ? await queue.withPayloads(stranded) : []) await dispatch(e);
    if (starting) await queue.tidy();
    // Outcomes a store outage left on disk go in once it is back (outcome.ts).
    await replay();
  }

  /** Confirmed by `by`: the timeout is moot and a worker may run the turn. */
  async function proceed(id: string, by: string, via: Via): Promise<void> {
    await jobs.cancel(jobIds.confirmTimeout(id));
    if (!(await queue.confirmed(id))) return;
    const entry = await queue.get(id);
    if (entry) await events.emit({ kind: 'confirmed', deploy: subjectOf(payloadOf(entry)), by, via });
    await jobs.run(JOBS.turn, jobIds.turn(id), { id });
  }

  /** Out of attempts: reported as what it left active on disk (outcome.ts), then its packs are let go. */
  async function turnFailed(id: string, reason: string): Promise<void> {
    const e = await queue.get(id);
    if (e) await reportCutOff(ctx, e, reason, moveLocks).catch((err: unknown) => logger.error({ err, entry: id }, 'could not report a cut-off deploy'));
    if (!(await queue.finish(id))) return;
    await pump();
  }

  return {
    queue, locks, confirmations, pump,

    /**
     * Runs a deploy now, outside the queue (the CLI), as its turn would run: refused
     * (pack_locked) past someone's lock, then deployed with the same events, and its packs'
     * locks taken for a branch or released by the default branch, with the same timers.
     * Without `packs` (what it touches is not known; the result says why) the locks are not
     * looked at. Its events go to `to` (the CLI's presenter) instead of the app's.
     */
    async runNow(a: DirectRun, to: CoordEvents = events): Promise<DeployResult> {
      if (a.packs) await checkLocks(a.plan, a.packs);
      return runNow({ ...ctx, events: to }, { plan: a.plan, target: a.target, policy: 'never' }, a.packs !== null);
    },

    /** Queue a deploy; refused at once (nothing queued) if a lock stands in its way. */
    async request(a: DeployAsk): Promise<{ entry: QueueEntry; ahead: number }> {
      const { plan } = a;
      await checkLocks(plan, a.packs, a.display);
      const payload: DeployPayload = { plan, target: a.target, policy: a.policy ?? confirmPolicy(config, plan.repo.name, a.aliasPolicy) };
      const queued = await queue.enqueue({
        id: plan.id, packs: a.packs, requester: plan.requestedBy, channel: a.target.channel, summary: requestLabel(subjectOf(payload)), policy: payload.policy, payload,
      });
      epoch.accepted(subjectOf(payload));
      // Queued is queued: if handing it on fails now, the sweep hands it on shortly, so the
      // requester must not be told to try again (that would deploy twice).
      await pump().catch((err: unknown) => logger.warn({ err, entry: plan.id }, 'could not hand on queued work; the sweep will'));
      const waiting = (await queue.get(plan.id).catch(() => null))?.state === 'waiting';
      // A failure to tell must not undo it.
      await events.emit({ kind: 'queued', deploy: subjectOf(payload), ahead: queued.ahead, policy: payload.policy, waiting })
        .catch((err: unknown) => logger.warn({ err, entry: plan.id }, 'could not tell that a deploy was queued'));
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
        return entry !== null && mayConfirm(payloadOf(entry).plan.repo.name);
      };
      const answer = await confirmations.answer(identity, channel, text, explicit, adopt);
      if (answer.kind === 'confirmed') await proceed(answer.pending.entryId, identity, 'text');
      return answer;
    },

    /** The repository queue entry `id` deploys from (for its permission checks); undefined once it left the queue. */
    async repoOf(id: string): Promise<string | undefined> {
      const entry = await queue.get(id);
      return entry?.payload ? payloadOf(entry).plan.repo.name : undefined;
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
      await proceed(entryId, identity, 'button');
      return { kind: 'confirmed', pending };
    },

    /** The requester (or an admin) withdraws a request that has not started. */
    async cancel(identity: string, channel: string, id: string, via: Via = 'text'): Promise<{ entry: QueueEntry; forced: boolean }> {
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
      const forced = entry.requester !== identity;
      await events.emit({ kind: 'cancelled', deploy: subjectOf(payloadOf(entry)), by: identity, forced, via });
      await pump();
      return { entry, forced };
    },

    /** `pack unlock`, asked at `origin` (the repository's notify channel hears it elsewhere). */
    async unlock(pack: string, identity: string, origin: Target) {
      const result = await locks.release(pack, identity, { admin: isAdmin(config, identity) });
      await cancelLockTimers(ctx, pack);
      const at = now().toISOString();
      await deps.history.append({
        id: newDeployId(), kind: 'unlock', requested_by: identity,
        repo: result.lock.repo, branch: result.lock.branch, started_at: at, finished_at: at, duration_ms: 0, result: 'success',
        packs: [{ pack, status: 'unlocked', from: result.lock.branch, to: null, warnings: [] }], stages: {},
        note: result.forced ? `forced; the lock was ${displayIdentity(result.lock.owner)}'s` : 'released by its owner',
      });
      await events.emit({ kind: result.forced ? 'lock_force_released' : 'lock_unlocked', lock: result.lock, by: identity, origin });
      return result;
    },

    /**
     * A rollback of `pack` by `identity` landed on a release from `to`: back on the lock's
     * repository's default branch, the lock has nothing left to protect, as after a
     * default-branch deploy; it is released and its holder told. Else it stays.
     */
    rolledBack(pack: string, identity: string, origin: Target, to: { repo: string; branch: string; deployId: string }) {
      return releaseAfterRollback(ctx, pack, identity, origin, to);
    },

    async extend(pack: string, identity: string, ms: number) {
      const lock = await locks.extend(pack, identity, ms);
      await scheduleLockTimers(ctx, lock);
      await events.emit({ kind: 'lock_extended', lock, by: identity, extendedByMs: ms });
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

  /** Throws pack_locked (who holds it, how to unlock) if a lock on `packs` stands in the way of `plan`. */
  function checkLocks(plan: { requestedBy: string; repo: Pick<PlannedRepository, 'name' | 'defaultBranch'>; ref: string }, packs: readonly string[], display?: (identity: string) => string) {
    const request = { requester: plan.requestedBy, repo: plan.repo.name, branch: plan.ref, defaultBranch: plan.repo.defaultBranch };
    return assertUnlocked(locks, request, packs, { now: now(), prefix: config.bot.prefix, ...(display ? { display } : {}) });
  }

  /** Nothing running and nothing that could start: only waits for people (or timers) remain. */
  async function drained(): Promise<void> {
    for (;;) {
      await pumping;
      // What was handed to chat goes out too: a scripted chat reads its answers in order.
      await events.idle?.();
      const entries = await queue.list();
      const busy = entries.some((e) => e.state === 'running' || (e.state === 'ready' && e.awaiting === 'worker'));
      if (!busy && eligible(entries, config.queue.concurrency).length === 0) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export type Coordinator = ReturnType<typeof createCoordinator>;
