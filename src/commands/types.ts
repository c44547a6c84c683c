import type { IncomingMessage } from '../chat/types.js';
import type { Reply } from '../chat/reply.js';
import type { AliasDefinition, AliasTable } from '../aliases/index.js';
import type { PackbotConfig } from '../config/index.js';
import type { Logger } from '../logging/logger.js';

export interface CommandContext {
  message: IncomingMessage;
  alias: AliasDefinition;
  params: Record<string, string>;
  config: PackbotConfig;
  aliases: AliasTable;
  logger: Logger;
  /** Keep the process alive for work that outlives the reply (deploys, timers). */
  track(work: Promise<unknown>): void;
}

/** A command handler is thin: it calls the core and returns replies to render. */
export type CommandHandler = (ctx: CommandContext) => Promise<Reply[]> | Reply[];
