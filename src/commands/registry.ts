import type { CommandHandler } from './types.js';
import { helpCommand } from './help.js';
import { notAvailableCommand } from './not-available.js';
import { deployCommand } from './deploy.js';
import { historyCommand } from './history.js';
import { infoCommand, listCommand, statusCommand } from './packs.js';
import { rollbackCommand, uninstallCommand } from './releases.js';

/** Every command name an alias may point at. The coordination commands (confirm, cancel,
 * queue, locks, lock_extend, unlock) answer "not available yet" until they land. */
export const COMMAND_NAMES = [
  'deploy', 'confirm', 'cancel', 'queue', 'locks', 'lock_extend', 'unlock', 'status',
  'list', 'info', 'history', 'rollback', 'uninstall', 'help',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];

export function createCommandRegistry(): ReadonlyMap<string, CommandHandler> {
  const handlers = new Map<string, CommandHandler>();
  for (const name of COMMAND_NAMES) handlers.set(name, notAvailableCommand);
  handlers.set('help', helpCommand);
  handlers.set('deploy', deployCommand);
  handlers.set('list', listCommand);
  handlers.set('status', statusCommand);
  handlers.set('info', infoCommand);
  handlers.set('history', historyCommand);
  handlers.set('rollback', rollbackCommand);
  handlers.set('uninstall', uninstallCommand);
  return handlers;
}
