import type { Identity } from '../../core/identity.js';
import type { IncomingMessage, MessageRef } from '../chat/types.js';
import type { Installer } from '../../services/install/installer.js';
import type { Deployer } from '../../services/deploy/pipeline.js';
import type { Coordinator } from '../../services/coord/coordinator.js';
import type { PackStore } from '../../domain/packstore/index.js';
import type { HistoryStore } from '../../domain/store/history.js';
import type { Reply } from '../chat/reply.js';
import type { AliasDefinition, AliasTable } from '../../domain/aliases/index.js';
import type { PackbotConfig } from '../../domain/config/index.js';
import type { Logger } from '../../core/logging/logger.js';
import type { PermissionGate } from '../../domain/permissions/index.js';

export interface CommandContext {
  message: IncomingMessage;
  alias: AliasDefinition;
  /** null: a param of the alias the message didn't fill and that has no default. */
  params: Record<string, string | null>;
  config: PackbotConfig;
  aliases: AliasTable;
  logger: Logger;
  /** Keep the process alive for work that outlives the reply (deploys, timers). */
  track(work: Promise<unknown>): void;
  services: Services;
  /** Talk back before the handler returns (acknowledgements, progress edited in place). */
  chat: ChatChannel;
  /** `<platform>:<user id>` of the sender. */
  identity: Identity;
}

/** The core a command handler may call. */
export interface Services {
  deployer: Deployer;
  /** `pack install`: packs from registry indexes. */
  installer: Installer;
  coordinator: Coordinator;
  store: PackStore;
  history: HistoryStore;
  /** Who may run what, where; records every refusal. */
  permissions: PermissionGate;
}

export interface ChatChannel {
  send(reply: Reply): Promise<MessageRef | null>;
  update(ref: MessageRef, reply: Reply): Promise<void>;
}

/** A command handler is thin: it calls the core and returns replies to render. */
export type CommandHandler = (ctx: CommandContext) => Promise<Reply[]> | Reply[];
