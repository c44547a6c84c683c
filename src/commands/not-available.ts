import { reply, type Reply } from '../chat/reply.js';
import type { CommandContext } from './types.js';

/** Placeholder for commands whose core lands in a later release: honest, not silent. */
export function notAvailableCommand(ctx: CommandContext): Reply[] {
  return [reply('not_available', { display: ctx.alias.formats[0]?.display ?? ctx.alias.name, command: ctx.alias.command })];
}
