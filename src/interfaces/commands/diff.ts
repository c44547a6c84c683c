import { reply, type Reply } from '../chat/reply.js';
import { truthy } from '../presenter/format.js';
import { planDetailsView } from '../presenter/plan-view.js';
import { actorOf } from '../chat/actor.js';
import type { CommandContext } from './types.js';

/**
 * `pack diff <repo> [packs] [branch]`: what `pack deploy` with the same words would change,
 * without deploying — nothing queued, locked, staged or recorded. Whoever may deploy the
 * repository (here) may see its plan: it shows commits, authors and components, so it is
 * held to the same repository permissions as the deploy itself.
 */
export async function diffCommand(ctx: CommandContext): Promise<Reply[]> {
  const { deployer } = ctx.services;
  const repo = ctx.params['repo'] ?? '';
  // Before planning: a refused request must not even fetch the repository.
  await ctx.services.permissions.repo(actorOf(ctx.message), 'deploy', repo, { command: ctx.alias.command });
  const force = truthy(ctx.params['force']);
  const plan = deployer.plan({
    repo, packs: ctx.params['packs'] ?? '', ref: ctx.params['branch'] ?? '', force, requestedBy: ctx.identity, channel: ctx.message.channel.name,
  });
  // A mistyped ref or pack is answered with its close matches, as `pack deploy` answers it.
  const preview = await deployer.preview(plan);
  // Too long for chat: one pack at a time reads in full.
  return [reply('deploy_plan', planDetailsView(preview, { force }), { moreHint: `\`pack diff ${repo} <pack> ${plan.ref}\` shows one pack in full` })];
}
