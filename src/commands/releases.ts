import { reply, type Reply } from '../chat/reply.js';
import { PackbotError } from '../errors.js';
import type { CommandContext } from './types.js';
import { actorOf, type RepoAction } from '../permissions/index.js';

/** The repository check for installed packs: the repository their active release came from. */
async function checkPacks(ctx: CommandContext, action: RepoAction, packs: string[]): Promise<void> {
  // Not a pack name: the deployer says so in its own words.
  for (const pack of packs.filter((p) => /^[a-z0-9_]+$/.test(p))) {
    const active = await ctx.services.store.active(pack);
    if (active) await ctx.services.permissions.repo(actorOf(ctx.message), action, active.meta.repo, { pack, command: ctx.alias.command });
  }
}

/** `pack rollback <pack> [release]`: the previous (or named) release becomes active again. */
export async function rollbackCommand(ctx: CommandContext): Promise<Reply[]> {
  const pack = ctx.params['pack']?.trim() ?? '';
  const release = ctx.params['release']?.trim() ?? '';
  await checkPacks(ctx, 'rollback', [pack]);
  const result = await ctx.services.deployer.rollback(pack, release, ctx.identity);
  return [reply('rollback_done', { ...result }, { mention: true })];
}

/** `pack uninstall <packs>`: unregister, then remove the packs and their environments. */
export async function uninstallCommand(ctx: CommandContext): Promise<Reply[]> {
  const packs = (ctx.params['packs'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  if (packs.length === 0) throw new PackbotError('usage', 'Name the packs to uninstall: pack uninstall <pack>[,<pack>...]');
  await checkPacks(ctx, 'uninstall', packs);
  const results = await ctx.services.deployer.uninstall(packs, ctx.identity);
  return [reply('uninstall_done', { results }, { mention: true })];
}
