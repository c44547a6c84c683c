/**
 * Coordination's events as chat. Each becomes the reply its requester (or a lock's owner)
 * sees where it concerns them, plus, for deploys and locks, a line in the repository's
 * notify_channel, and what a deploy changed in its announce_channel.
 *
 * Progress edits the deploy's acknowledgement in place, so the sent message and its lines
 * are kept here per deploy, from its start until it finishes: each edit waits for the one
 * before, and the summary waits for them all.
 */
import { reply, type Reply } from '../chat/reply.js';
import type { Card, MessageRef } from '../chat/types.js';
import type { PackbotConfig } from '../../domain/config/index.js';
import { formatDuration, humanSpan } from '../../core/duration.js';
import type { Logger } from '../../core/logging/logger.js';
import type { DeployResult } from '../../services/deploy/types.js';
import type { ProgressEvent } from '../../services/deploy/stage-clock.js';
import type { CoordEvent, CoordEvents, DeploySubject } from '../../services/coord/events.js';
import { refusalMessage, type LockRecord } from '../../services/coord/branch-locks.js';
import { displayIdentity, isChatIdentity } from '../../core/identity.js';
import type { Target } from '../../core/target.js';
import { announcementReply } from './announcement.js';
import { progressLine, summaryCard, summaryView, workingCard } from './deploy-view.js';
import type { Notifier } from './notifier.js';

export interface CoordPresenterDeps {
  config: PackbotConfig;
  notifier: Notifier;
  logger: Logger;
}

/** How messages about a deploy name it (a type, not an interface: it is a reply's data as is). */
type Head = { repo: string; packs: string; branch: string; verb: string };

/** A deploy's acknowledgement while its stages finish. */
interface Live {
  ack: MessageRef;
  head: Head;
  card: Card;
  lines: string[];
  updates: Promise<void>;
}

const packsText = (d: DeploySubject) => d.packs.join(',') || 'all packs';

/** How messages about a deploy name it. An install names versions, not a branch: "Installing slack=2.3.0 from registry…". */
function headOf(d: DeploySubject): Head {
  return d.kind === 'install'
    ? { repo: d.repo, packs: d.packs.join(','), branch: '', verb: 'Installing' }
    : { repo: d.repo, packs: packsText(d), branch: d.branch, verb: 'Deploying' };
}

const lockView = (lock: LockRecord, by: string, forced: boolean) => ({
  pack: lock.pack, branch: lock.branch, owner: displayIdentity(lock.owner), by: displayIdentity(by), forced,
});

export function createCoordPresenter(deps: CoordPresenterDeps): CoordEvents {
  const { config, notifier, logger } = deps;
  const live = new Map<string, Live>();

  /**
   * A line in the repository's notify_channel, on the platform it happened on; skipped in the
   * very channel it happened in (everyone there saw it). A failure is logged, never fatal:
   * the deploy or lock change it reports has happened.
   */
  async function notifyRepo(repo: string, origin: Pick<Target, 'platform' | 'channel'>, r: Reply): Promise<void> {
    const channel = config.repositories[repo]?.notify_channel;
    if (!channel || channel === origin.channel) return;
    await notifier.send({ platform: origin.platform, channel }, r).catch((err: unknown) => {
      logger.warn({ err, repo, channel, template: r.template }, 'could not notify the repository channel');
    });
  }

  async function started(d: DeploySubject): Promise<void> {
    const head = headOf(d);
    // An auto-revert is told by its own lock_reverted message instead.
    if (!d.autoRevert) await notifyRepo(d.repo, d.target, reply('notify_deploy_started', { ...head, by: displayIdentity(d.requester), id: d.id }));
    const card = workingCard(head);
    const ack = await notifier.send(d.target, reply('deploy_ack', head, { card }));
    if (ack) live.set(d.id, { ack, head, card, lines: [], updates: Promise.resolve() });
    else live.delete(d.id);
  }

  /** Synchronous on purpose: the edit is chained before the pipeline moves on. */
  function progressed(d: DeploySubject, event: ProgressEvent): void {
    const run = live.get(d.id);
    const line = progressLine(event);
    if (!line || !run) return;
    run.lines.push(line);
    const snapshot = [...run.lines];
    run.updates = run.updates.then(() => notifier.update(run.ack, d.target, reply('deploy_progress', { ...run.head, lines: snapshot }, { card: run.card })));
  }

  async function finished(d: DeploySubject, result: DeployResult): Promise<void> {
    const run = live.get(d.id);
    live.delete(d.id);
    await (run?.updates ?? Promise.resolve()).catch((err: unknown) => logger.warn({ err }, 'progress update failed'));
    await notifier.send(d.target, reply('deploy_summary', summaryView(result), { mention: true, moreHint: `\`pack history ${result.deploy_id}\``, card: summaryCard(result) }));
    if (!d.autoRevert) {
      const view = { ...summaryView(result), packs: headOf(d).packs, by: displayIdentity(d.requester) };
      await notifyRepo(d.repo, d.target, reply('notify_deploy_finished', view, { card: summaryCard(result) }));
    }
  }

  async function show(e: CoordEvent): Promise<void> {
    switch (e.kind) {
      case 'deploy_started':
        return started(e.deploy);
      case 'progress':
        return progressed(e.deploy, e.progress);
      case 'deploy_finished':
        return finished(e.deploy, e.result);
      case 'announcement': {
        const channel = config.repositories[e.deploy.repo]?.announce_channel;
        if (channel) await notifier.send({ platform: e.deploy.target.platform, channel }, announcementReply(e.result, e.changes, displayIdentity(e.deploy.requester)));
        return;
      }
      case 'confirmation_requested': {
        const d = e.deploy;
        await notifier.send(d.target, reply('confirm_prompt', {
          phrase: e.phrase, packs: packsText(d), repo: d.repo, branch: d.branch, timeout: formatDuration(e.timeoutMs), id: d.id,
          ...(isChatIdentity(d.requester) ? {} : { pushedBy: displayIdentity(d.requester) }),
        }, {
          mention: true,
          buttons: [
            { action: 'confirm', entryId: d.id, label: 'Confirm', style: 'primary' },
            { action: 'cancel', entryId: d.id, label: 'Cancel', style: 'danger' },
          ],
        }));
        return;
      }
      case 'confirmation_expired': {
        const d = e.deploy;
        await notifier.send(d.target, reply('confirm_timeout', { packs: packsText(d), repo: d.repo, branch: d.branch, timeout: formatDuration(e.timeoutMs) }, { mention: true }));
        return;
      }
      case 'queue_expired': {
        const d = e.deploy;
        await notifier.send(d.target, reply('queue_expired', {
          packs: packsText(d), repo: d.repo, branch: d.branch, id: d.id,
          waited: formatDuration(Math.round(e.waitedMs / 1000) * 1000), max: formatDuration(e.maxWaitMs),
        }, { mention: true }));
        return;
      }
      case 'deploy_refused': {
        const message = refusalMessage(e.lock, { now: new Date(e.at), defaultBranch: e.deploy.defaultBranch, prefix: config.bot.prefix, display: displayIdentity });
        await notifier.send(e.deploy.target, reply('deploy_refused', { message }, { mention: true }));
        return;
      }
      case 'deploy_interrupted': {
        const d = e.deploy;
        live.delete(d.id);
        await notifier.send(d.target, reply('deploy_interrupted', { id: d.id, packs: packsText(d), reason: e.reason }, { mention: true }));
        return;
      }
      case 'lock_taken': {
        const { lock } = e;
        await notifyRepo(lock.repo, e.origin, reply('notify_lock_taken', {
          by: displayIdentity(lock.owner), pack: lock.pack, repo: lock.repo, branch: lock.branch, default: e.defaultBranch, reverts: humanSpan(e.revertsInMs),
        }));
        return;
      }
      case 'lock_released':
        return notifyRepo(e.repo, e.origin, reply('notify_lock_released', { by: displayIdentity(e.by), pack: e.pack, repo: e.repo, branch: e.defaultBranch, back: true }));
      case 'lock_unlocked':
        return notifyRepo(e.lock.repo, e.origin, reply('notify_lock_released', lockView(e.lock, e.by, false)));
      case 'lock_force_released':
        return notifyRepo(e.lock.repo, e.origin, reply('lock_released', lockView(e.lock, e.by, true)));
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
          pack: lock.pack, repo: lock.repo, default: e.defaultBranch, branch: lock.branch, owner: displayIdentity(lock.owner), held: humanSpan(e.heldMs), error: e.error,
        };
        await notifier.send(e.target, reply('lock_reverted', view, { mention: true }));
        await notifyRepo(lock.repo, e.target, reply('lock_reverted', view));
        return;
      }
      case 'lock_dropped': {
        const { lock } = e;
        await notifier.send(e.target, reply('lock_reverted', {
          pack: lock.pack, repo: lock.repo, default: 'its default branch', branch: lock.branch, owner: displayIdentity(lock.owner),
          error: `${lock.repo} is no longer configured`,
        }));
        return;
      }
      // The request's own reply says these (deploy_queued, the confirm and cancel answers, lock_extended).
      case 'queued':
      case 'confirmed':
      case 'cancelled':
      case 'lock_extended':
        return;
    }
  }

  return {
    emit: show,
    announces: (repo) => Boolean(config.repositories[repo]?.announce_channel),
  };
}
