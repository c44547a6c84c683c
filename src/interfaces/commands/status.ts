/** `pack status` without a pack: the queue, the locks and the last deploys, as the asker may see them. */
import { reply, type Reply } from '../chat/reply.js';
import { actorOf } from '../chat/actor.js';
import { readStatus } from '../../services/coord/status.js';
import { statusDisplay } from '../presenter/status-view.js';
import type { CommandContext } from './types.js';

export async function statusOverview(ctx: CommandContext): Promise<Reply[]> {
  const { coordinator, history, permissions } = ctx.services;
  const actor = actorOf(ctx.message);
  const view = await readStatus({ config: ctx.config, queue: coordinator.queue, locks: coordinator.locks, history }, ctx.identity, (repo) => permissions.mayDeploy(actor, repo));
  return [reply('status_overview', { ...statusDisplay(view) })];
}
