/**
 * `pack install <name>[=<version>] …` and `pack deps <pack>`: packs from the registry
 * indexes, queued and confirmed like deploys (locks apply: a pack locked to a branch is not
 * replaced from the registry), and the dependency graph as text.
 */
import { reply, type Reply } from '../chat/reply.js';
import { parseSpecs } from '../../services/install/install-plan.js';
import { renderGraph } from '../../services/install/deps-graph.js';
import { targetOf } from '../chat/actor.js';
import { truthy } from '../presenter/format.js';
import type { CommandContext } from './types.js';
import { personMark } from '../../core/identity.js';
import { checkReplacements } from './ownership.js';

export async function installCommand(ctx: CommandContext): Promise<Reply[]> {
  const { installer, coordinator } = ctx.services;
  const plan = installer.plan({ packs: ctx.params['packs'] ?? '', force: truthy(ctx.params['force']), requestedBy: ctx.identity, channel: ctx.message.channel.name });
  // Everything it would install (dependencies too) is known, and every conflict reported, before it queues.
  const resolution = await installer.resolve(plan.packs);
  if (resolution.plan.length === 0) {
    return [reply('install_nothing', { packs: resolution.alreadyInstalled.map((k) => `${k.name} ${k.version}`).join(', ') })];
  }
  const packs = resolution.plan.map((p) => p.name);
  // A pack deployed from a repository is that repository's: replacing it needs its permission too.
  const replaces = await checkReplacements(ctx, { kind: 'registry' }, packs);
  await coordinator.request({
    plan: { ...plan, replaces }, packs, target: targetOf(ctx.message),
    ...(ctx.alias.confirm ? { aliasPolicy: ctx.alias.confirm } : {}),
    display: (identity) => personMark(identity, 'name'),
  });
  // What it resolved to; being queued, asked to confirm or run is the install's own message.
  const planned = resolution.plan.map((p) => `${p.name} ${p.replaces ? `${p.replaces} → ` : ''}${p.version}${p.reason === 'requested' ? '' : ` (${p.reason})`}`);
  return [reply('install_planned', { planned })];
}

export async function depsCommand(ctx: CommandContext): Promise<Reply[]> {
  const graph = await ctx.services.installer.graph(parseSpecs(ctx.params['pack'] ?? ''));
  return [reply('deps_graph', { graph: renderGraph(graph, 'text') })];
}
