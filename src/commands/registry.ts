import type { CommandHandler } from './types.js';
import { helpCommand } from './help.js';
import { notAvailableCommand } from './not-available.js';

/** Every command name an alias may point at. Later releases replace the placeholders. */
export const COMMAND_NAMES = [
  'deploy', 'confirm', 'cancel', 'queue', 'locks', 'lock_extend', 'unlock', 'status',
  'list', 'info', 'history', 'rollback', 'uninstall', 'help',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

export function createCommandRegistry(): ReadonlyMap<string, CommandHandler> {
  const handlers = new Map<string, CommandHandler>();
  for (const name of COMMAND_NAMES) handlers.set(name, notAvailableCommand);
  handlers.set('help', helpCommand);
  return handlers;
}
