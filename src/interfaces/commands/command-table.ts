import type { CommandHandler } from './types.js';
import { helpCommand } from './help.js';
import { cancelCommand, confirmCommand, lockExtendCommand, locksCommand, queueCommand, unlockCommand } from './coordination.js';
import { deployCommand } from './deploy.js';
import { diffCommand } from './diff.js';
import { historyCommand } from './history.js';
import { infoCommand, listCommand, statusCommand } from './packs.js';
import { rollbackCommand, uninstallCommand } from './releases.js';
import { depsCommand, installCommand } from './install.js';

/** Command name (an alias's `command:`) → its handler. */
export function createCommandTable(): ReadonlyMap<string, CommandHandler> {
  const handlers = new Map<string, CommandHandler>();
  handlers.set('help', helpCommand);
  handlers.set('deploy', deployCommand);
  handlers.set('diff', diffCommand);
  handlers.set('list', listCommand);
  handlers.set('status', statusCommand);
  handlers.set('info', infoCommand);
  handlers.set('history', historyCommand);
  handlers.set('rollback', rollbackCommand);
  handlers.set('uninstall', uninstallCommand);
  handlers.set('confirm', confirmCommand);
  handlers.set('cancel', cancelCommand);
  handlers.set('queue', queueCommand);
  handlers.set('locks', locksCommand);
  handlers.set('lock_extend', lockExtendCommand);
  handlers.set('unlock', unlockCommand);
  handlers.set('install', installCommand);
  handlers.set('deps', depsCommand);
  return handlers;
}
