/**
 * Coordination's events as chat. A deploy is one message, edited from its first word to its
 * summary (deploy-presenter.ts); lock changes are told to their owner where it concerns them;
 * a repository's notify_channel gets one line per deploy, edited from started to finished
 * (lock changes added to it), and its announce_channel what a deploy changed.
 *
 * Nothing here is awaited by coordination: each event is queued in its deploy's lane (or its
 * pack's) and delivered in order in the background, so a rate-limited platform delays
 * messages, never deploys or other people's turns.
 */
import { reply, type Reply } from '../chat/reply.js';
import type { PackbotConfig } from '../../domain/config/index.js';
import type { StateStore } from '../../domain/store/state.js';
import { humanSpan } from '../../core/duration.js';
import type { Logger } from '../../core/logging/logger.js';
import type { DeployResult } from '../../services/deploy/types.js';
import type { CoordEvent, CoordEvents, DeploySubject } from '../../services/coord/events.js';
import { refusalMessage, type LockRecord } from '../../services/coord/branch-locks.js';
import { personMark } from '../../core/identity.js';
import type { Target } from '../../core/target.js';
import { announcementReply } from './announcement.js';
import { createDeployPresenter, headOf, type DeployEvent } from './deploy-presenter.js';
import { summaryCard, summaryView } from './deploy-view.js';
import { createLanes } from './lanes.js';
import { createMessageBook } from './message-book.js';
import type { Notifier } from './notifier.js';

export interface CoordPresenterDeps {
  config: PackbotConfig;
  notifier: Notifier;
  logger: Logger;
  /** Where a deploy's message refs are kept, for whichever process shows its next step. */
  state?: Pick<StateStore, 'get' | 'set'>;
  /** The least time between two progress edits of a deploy's message on a platform (default 0). */
  progressGapMs?: (platform: string) => number;
}

const name = (identity: string) => personMark(identity, 'name');

const lockView = (lock: LockRecord, by: string, forced: boolean) => ({
  pack: lock.pack, branch: lock.branch, owner: name(lock.owner), by: name(by), forced,
});

const DEPLOY_EVENTS = new Set<CoordEvent['kind']>([
  'queued', 'confirmation_requested', 'confirmed', 'cancelled', 'confirmation_expired', 'queue_expired',
  'deploy_nothing', 'deploy_refused', 'deploy_interrupted', 'deploy_started', 'progress', 'deploy_finished',
]);
const isDeployEvent = (e: CoordEvent): e is DeployEvent => DEPLOY_EVENTS.has(e.kind);

/** The lane an event is delivered in: a deploy's events in order, a pack's lock changes in order. */
function laneOf(e: CoordEvent): string {
  if ('deploy' in e) return `deploy:${e.deploy.id}`;
  if ('deployId' in e) return `deploy:${e.deployId}`;
  return `pack:${e.lock.pack}`;
}

export function createCoordPresenter(deps: CoordPresenterDeps): Required<CoordEvents> {
  const { config, notifier, logger } = deps;
  const lanes = createLanes(logger);
  const book = createMessageBook(deps.state);

  /**
   * A line in the repository's notify_channel, on the platform it happened on; skipped in the
   * very channel it happened in (everyone there saw it). A failure is logged, never fatal:
   * the deploy or lock change it reports has happened.
   */
  async function notifyRepo(repo: string, origin: Pick<Target, 'platform' | 'channel'>, r: Reply) {
    const channel = config.repositories[repo]?.notify_channel;
    if (!channel || channel === origin.channel) return null;
    const target = { platform: origin.platform, channel };
    const ref = await notifier.send(target, r).catch((err: unknown) => {
      logger.warn({ err, repo, channel, template: r.template }, 'could not notify the repository channel');
      return null;
    });
    return ref ? { ref, target } : null;
  }

  async function notifyStarted(d: DeploySubject): Promise<void> {
    const r = reply('notify_deploy_started', { ...headOf(d), by: name(d.requester), id: d.id });
    const sent = await notifyRepo(d.repo, d.target, r);
    if (sent) await book.put(d.id, { notify: { ...sent, reply: r } });
  }

  /** The notify line says how it ended: the same message, edited. */
  async function notifyFinished(d: DeploySubject, result: DeployResult): Promise<void> {
    const view = { ...summaryView(result, 0), packs: headOf(d).packs, by: name(d.requester), locks: [] };
    const r = reply('notify_deploy_finished', view, { card: summaryCard(result) });
    const known = (await book.get(d.id)).notify;
    if (!known) {
      const sent = await notifyRepo(d.repo, d.target, r);
      if (sent) await book.put(d.id, { notify: { ...sent, reply: r } });
      return;
    }
    await notifier.update(known.ref, known.target, r);
    await book.put(d.id, { notify: { ...known, reply: r } });
  }

  /**
   * A lock a deploy took or gave back: a line added to that deploy's notify message when it
   * has one, else a message of its own.
   */
  async function notifyLock(deployId: string, repo: string, origin: Target, line: Record<string, unknown>, alone: Reply): Promise<void> {
    const known = (await book.get(deployId)).notify;
    if (!known) {
      await notifyRepo(repo, origin, alone);
      return;
    }
    const data = known.reply.data ?? {};
    const r: Reply = { ...known.reply, data: { ...data, locks: [...((data['locks'] as unknown[] | undefined) ?? []), line] } };
    await notifier.update(known.ref, known.target, r);
    await book.put(deployId, { notify: { ...known, reply: r } });
  }

  const deploys = createDeployPresenter({
    notifier, logger, book, notifyStarted, notifyFinished, ...(deps.progressGapMs ? { progressGapMs: deps.progressGapMs } : {}),
    refusal: (e) => refusalMessage(e.lock, { now: new Date(e.at), defaultBranch: e.deploy.defaultBranch, prefix: config.bot.prefix, display: name }),
  });

  async function show(e: CoordEvent): Promise<void> {
    if (isDeployEvent(e)) return deploys.present(e);
    switch (e.kind) {
      case 'announcement': {
        const channel = config.repositories[e.deploy.repo]?.announce_channel;
        if (channel) await notifier.send({ platform: e.deploy.target.platform, channel }, announcementReply(e.result, e.changes, name(e.deploy.requester)));
        return;
      }
      case 'lock_taken': {
        const { lock } = e;
        const view = { by: name(lock.owner), pack: lock.pack, repo: lock.repo, branch: lock.branch, default: e.defaultBranch, reverts: humanSpan(e.revertsInMs) };
        return notifyLock(e.deployId, lock.repo, e.origin, { taken: true, ...view }, reply('notify_lock_taken', view));
      }
      case 'lock_released': {
        const view = { by: name(e.by), pack: e.pack, repo: e.repo, branch: e.defaultBranch, default: e.defaultBranch, back: true, ...(e.owner ? { holder: name(e.owner) } : {}) };
        return notifyLock(e.deployId, e.repo, e.origin, { taken: false, ...view }, reply('notify_lock_released', view));
      }
      case 'lock_unlocked':
        return void (await notifyRepo(e.lock.repo, e.origin, reply('notify_lock_released', lockView(e.lock, e.by, false))));
      case 'lock_force_released':
        return void (await notifyRepo(e.lock.repo, e.origin, reply('lock_released', lockView(e.lock, e.by, true))));
      case 'lock_warning': {
        const { lock } = e;
        await notifier.send(e.target, reply('lock_warning', {
          pack: lock.pack, repo: lock.repo, default: e.defaultBranch ?? 'the default branch', branch: lock.branch, left: humanSpan(e.leftMs),
        }, { mention: true }));
        return;
      }
      case 'lock_reverted': {
        const { lock } = e;
        const view = {
          pack: lock.pack, repo: lock.repo, default: e.defaultBranch, branch: lock.branch, owner: name(lock.owner), held: humanSpan(e.heldMs), error: e.error,
        };
        await notifier.send(e.target, reply('lock_reverted', view, { mention: true }));
        await notifyRepo(lock.repo, e.target, reply('lock_reverted', view));
        return;
      }
      case 'lock_dropped': {
        const { lock } = e;
        await notifier.send(e.target, reply('lock_reverted', {
          pack: lock.pack, repo: lock.repo, default: 'its default branch', branch: lock.branch, owner: name(lock.owner),
          error: `${lock.repo} is no longer configured`,
        }));
        return;
      }
      // Its requester hears it where they asked; the notify channel already has the deploy's line.
      case 'outcome_pending': {
        const d = e.deploy;
        await notifier.send(d.target, reply('outcome_pending', { id: d.id, packs: headOf(d).packs, repo: d.repo, branch: d.branch, settled: e.settled }, { mention: true }));
        return;
      }
      // Its requester hears it where they asked (store-epoch.ts).
      case 'request_lost': {
        const d = e.deploy;
        await notifier.send(d.target, reply('request_lost', { id: d.id, packs: headOf(d).packs, repo: d.repo, branch: d.branch }, { mention: true }));
        return;
      }
      // The request's own reply says it (lock_extended).
      case 'lock_extended':
        return;
    }
  }

  return {
    async emit(e) {
      lanes.run(laneOf(e), () => show(e));
    },
    announces: (repo) => Boolean(config.repositories[repo]?.announce_channel),
    idle: () => lanes.idle(),
  };
}
