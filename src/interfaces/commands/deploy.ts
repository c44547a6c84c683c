import { reply, type Reply } from '../chat/reply.js';
import { truthy } from '../presenter/format.js';
import { actorOf, targetOf } from '../chat/actor.js';
import type { CommandContext } from './types.js';
import { personMark } from '../../core/identity.js';
import { originOfDeploy } from '../../domain/permissions/index.js';
import { checkReplacements } from './ownership.js';

/**
 * `pack deploy <repo> [packs] [branch]`: check what it would touch (repository, ref, packs and
 * the refs they install as, their owners, locks) at once, then queue it. Everything after that
 * is the deploy's one message, which the presenter posts and edits (queued, the prompt, the
 * stages, the summary). For a single-pack repository the packs slot names its one pack or,
 * with no branch given, may be the branch (services/deploy/single-pack.ts).
 */
export async function deployCommand(ctx: CommandContext): Promise<Reply[]> {
  const { deployer, coordinator } = ctx.services;
  // Before planning: a refused deploy must not even fetch the repository.
  await ctx.services.permissions.repo(actorOf(ctx.message), 'deploy', ctx.params['repo'] ?? '', { command: ctx.alias.command });
  const asked = deployer.plan({
    repo: ctx.params['repo'] ?? '', packs: ctx.params['packs'] ?? '', ref: ctx.params['branch'] ?? '',
    force: truthy(ctx.params['force']), requestedBy: ctx.identity, channel: ctx.message.channel.name,
  });
  // A queued deploy deploys exactly the packs its locks were checked for: "all" means the packs on
  // the ref now; each goes by its pack.yaml ref, the name StackStorm installs it under.
  const { plan, packs, readAs } = await deployer.resolveTargets(asked);
  // A single-pack repository's one word was its branch (or tag, commit), not a pack: say so first.
  if (readAs && asked.word !== undefined) {
    await ctx.chat.send(reply('deploy_read_as', { word: asked.word, kind: readAs, repo: plan.repo.name, pack: packs[0] ?? plan.repo.name }));
  }
  // Replacing a pack that came from elsewhere needs its owner's permission too.
  const replaces = await checkReplacements(ctx, originOfDeploy(plan.repo), packs);
  await coordinator.request({
    plan: { ...plan, replaces }, packs, target: targetOf(ctx.message),
    ...(ctx.alias.confirm ? { aliasPolicy: ctx.alias.confirm } : {}),
    display: (identity) => personMark(identity, 'name'),
  });
  return [];
}
