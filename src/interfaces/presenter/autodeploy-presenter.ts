/**
 * Auto-deployment's notices as chat. A notice that cannot be sent is logged: the deploy it
 * is about goes ahead regardless. A repository with no channel for them hears nothing.
 */
import { reply, type Reply } from '../chat/reply.js';
import type { PackbotConfig } from '../../domain/config/index.js';
import type { Logger } from '../../core/logging/logger.js';
import type { AutoDeployEvent, AutoDeployEvents } from '../../services/autodeploy/events.js';
import { humanSpan } from '../../core/duration.js';
import type { Notifier } from './notifier.js';

/** A commit message's gist: its first lines, cut short. */
function firstLines(message: string): string {
  const text = message.trim().split('\n').slice(0, 3).join('\n');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** `prefix`: the bot's, for a lock holder told how to unlock. */
function noticeOf(e: AutoDeployEvent, prefix: string): Reply {
  switch (e.kind) {
    case 'autodeploy_failed':
      return reply('autodeploy_failed', { repo: e.repo, branch: e.branch ?? '', reason: e.reason });
    case 'autodeploy_branch_deleted':
      return reply('autodeploy_branch_deleted', { repo: e.repo, branch: e.branch, author: e.pusher });
    case 'autodeploy_locked':
      return reply('autodeploy_locked', {
        repo: e.repo, branch: e.branch, author: e.author, pack: e.pack, held: e.lock.branch, since: humanSpan(e.heldMs), prefix,
      }, { mention: true });
    case 'autodeploy_triggered':
      return reply('autodeploy_triggered', {
        repo: e.repo, branch: e.branch, author: e.author, packs: e.packs.join(', '), skipped: e.locked.length, forced: e.forced,
        message: firstLines(e.message),
      });
  }
}

export function createAutoDeployPresenter(deps: { config: PackbotConfig; notifier: Notifier; logger: Logger }): AutoDeployEvents {
  return {
    async emit(e) {
      if (e.target.channel === '') return;
      const notice = noticeOf(e, deps.config.bot.prefix);
      await deps.notifier.send(e.target, notice).catch((err: unknown) => deps.logger.warn({ err, template: notice.template }, 'could not send an auto deployment notice'));
    },
  };
}
