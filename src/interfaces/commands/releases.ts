import { reply, type Reply } from '../chat/reply.js';
import { PackbotError } from '../../core/errors.js';
import type { CommandContext } from './types.js';
import { checkRollback, checkUninstall } from './ownership.js';
import { refusalMessage } from '../../services/coord/branch-locks.js';
import { isAdmin } from '../../services/coord/settings.js';
import { personMark } from '../../core/identity.js';
import { targetOf } from '../chat/actor.js';

/**
 * A pack locked to someone's branch is theirs until they deploy the default branch again:
 * rolling it back or removing it would pull the ground from under them, as another deploy
 * would. Admins may; a rollback to a release from the lock's default branch then ends the
 * lock, as a default-branch deploy does, and its holder is told (else it stays: `pack unlock`).
 */
async function checkLocks(ctx: CommandContext, packs: string[]): Promise<void> {
  if (isAdmin(ctx.config, ctx.identity)) return;
  for (const pack of packs) {
    const lock = await ctx.services.coordinator.locks.get(pack);
    if (!lock || lock.owner === ctx.identity) continue;
    throw new PackbotError('pack_locked', refusalMessage(lock, {
      now: new Date(), defaultBranch: ctx.config.repositories[lock.repo]?.branch ?? 'the default branch', prefix: ctx.config.bot.prefix,
      // A mark, resolved for the platform the refusal goes to (the holder's name there).
      display: (identity) => personMark(identity, 'name'),
    }));
  }
}

/** `pack rollback <pack> [release]`: the previous (or named) release becomes active again. */
export async function rollbackCommand(ctx: CommandContext): Promise<Reply[]> {
  const pack = ctx.params['pack']?.trim() ?? '';
  const release = ctx.params['release']?.trim() ?? '';
  // The pack's owner, and the owner of the release it goes back to (ownership.ts).
  await checkRollback(ctx, pack, release);
  await checkLocks(ctx, [pack]);
  const result = await ctx.services.deployer.rollback(pack, release, ctx.identity);
  await ctx.services.coordinator.rolledBack(pack, ctx.identity, targetOf(ctx.message), { repo: result.repo, branch: result.branch, deployId: result.id });
  return [reply('rollback_done', { ...result }, { mention: true })];
}

/** `pack uninstall <packs>`: unregister, then remove the packs and their environments. */
export async function uninstallCommand(ctx: CommandContext): Promise<Reply[]> {
  const packs = (ctx.params['packs'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  if (packs.length === 0) throw new PackbotError('usage', 'Name the packs to uninstall: pack uninstall <pack>[,<pack>...]');
  // The pack's owner, and every source it keeps a release from (ownership.ts).
  await checkUninstall(ctx, packs);
  await checkLocks(ctx, packs);
  const results = await ctx.services.deployer.uninstall(packs, ctx.identity);
  return [reply('uninstall_done', { results }, { mention: true })];
}
