/**
 * Messages to a repository's `notify_channel`: deploys started and finished, locks taken,
 * released, force-released and auto-reverted. Sent on the platform the event came from;
 * skipped when it happened in that very channel (everyone there saw it already). A failed
 * notification is logged, never fatal: the deploy or lock change it reports has happened.
 */
import type { Reply } from '../../interfaces/chat/reply.js';
import type { PackbotConfig } from '../../domain/config/index.js';
import type { Logger } from '../../core/logging/logger.js';
import type { ChatTarget, Notifier } from './types.js';

export interface NotifyDeps {
  config: PackbotConfig;
  notifier: Notifier;
  logger: Logger;
}

export async function notifyRepo(deps: NotifyDeps, repo: string, origin: Pick<ChatTarget, 'platform' | 'channel'>, r: Reply): Promise<void> {
  const channel = deps.config.repositories[repo]?.notify_channel;
  if (!channel || channel === origin.channel) return;
  await deps.notifier.send({ platform: origin.platform, channel }, r).catch((err: unknown) => {
    deps.logger.warn({ err, repo, channel, template: r.template }, 'could not notify the repository channel');
  });
}
