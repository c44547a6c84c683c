/** Every command name an alias may point at (a leaf module: config and permissions read it too). */
export const COMMAND_NAMES = [
  'deploy', 'diff', 'confirm', 'cancel', 'queue', 'locks', 'lock_extend', 'unlock', 'status',
  'list', 'info', 'history', 'rollback', 'uninstall', 'install', 'deps', 'help',
] as const;

export type CommandName = (typeof COMMAND_NAMES)[number];
