import { reply, type Reply } from '../chat/reply.js';
import { truthy } from '../presenter/format.js';
import { actorOf, targetOf } from '../chat/actor.js';
import type { CommandContext } from './types.js';

/**
 * `pack deploy <repo> [packs] [branch]`: check what it would touch (repository, ref, packs,
 * locks) at once, then queue it. Its turn acknowledges, edits one progress message as
 * stages finish and ends with a summary; if it has to wait, the requester hears so now.
 */
export async function deployCommand(ctx: CommandContext): Promise<Reply[]> {
  const { deployer, coordinator } = ctx.services;
  // Before planning: a refused deploy must not even fetch the repository.
  await ctx.services.permissions.repo(actorOf(ctx.message), 'deploy', ctx.params['repo'] ?? '', { command: ctx.alias.command });
  const plan = deployer.plan({
    repo: ctx.params['repo'] ?? '', packs: ctx.params['packs'] ?? '', ref: ctx.params['branch'] ?? '',
    force: truthy(ctx.params['force']), requestedBy: ctx.identity, channel: ctx.message.channel.name,
  });
  // A queued deploy deploys exactly the packs its locks were checked for: "all" means the packs on the ref now.
  const packs = await deployer.targets(plan);
  const { entry } = await coordinator.request({
    plan: { ...plan, packs }, packs, target: targetOf(ctx.message),
    ...(ctx.alias.confirm ? { aliasPolicy: ctx.alias.confirm } : {}),
  });
  const current = await coordinator.queue.get(plan.id);
  if (current?.state !== 'waiting') return [];
  return [reply('deploy_queued', { what: entry.summary, ahead: entry.ahead ?? 0, id: plan.id })];
}
