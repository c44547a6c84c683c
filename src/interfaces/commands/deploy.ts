import { reply, type Reply } from '../chat/reply.js';
import type { IncomingMessage } from '../chat/types.js';
import type { ChatTarget } from '../../services/coord/types.js';
import { newDeployId } from '../../services/deploy/types.js';
import { truthy } from '../presenter/format.js';
import { actorOf } from '../chat/actor.js';
import type { CommandContext } from './types.js';

export { progressLine, summaryView } from '../presenter/deploy-view.js';

/** Where background messages about a request go: back where it was asked, to who asked. */
export function targetOf(msg: IncomingMessage): ChatTarget {
  return { platform: msg.platform, channel: msg.channel.id, ...(msg.thread ? { thread: msg.thread } : {}), user: msg.user.id };
}

/**
 * `pack deploy <repo> [packs] [branch]`: check what it would touch (repository, ref, packs,
 * locks) at once, then queue it. Its turn acknowledges, edits one progress message as
 * stages finish and ends with a summary; if it has to wait, the requester hears so now.
 */
export async function deployCommand(ctx: CommandContext): Promise<Reply[]> {
  const { deployer, coordinator } = ctx.services;
  // Before plan(): a refused deploy must not even fetch the repository.
  await ctx.services.permissions.repo(actorOf(ctx.message), 'deploy', ctx.params['repo'] ?? '', { command: ctx.alias.command });
  const planned = await deployer.plan({ repo: ctx.params['repo'] ?? '', packs: ctx.params['packs'] ?? '', ref: ctx.params['branch'] ?? '' });
  const id = newDeployId();
  const request = {
    id, repo: ctx.params['repo'] ?? '', packs: planned.packs.join(','), ref: planned.branch,
    force: truthy(ctx.params['force']), requestedBy: ctx.identity, channel: ctx.message.channel.name,
  };
  const { entry } = await coordinator.request({
    request, repo: planned.repo, branch: planned.branch, packs: planned.packs, target: targetOf(ctx.message),
    ...(ctx.alias.confirm ? { aliasPolicy: ctx.alias.confirm } : {}),
  });
  const current = await coordinator.queue.get(id);
  if (current?.state !== 'waiting') return [];
  return [reply('deploy_queued', { what: entry.summary, ahead: entry.ahead ?? 0, id })];
}
