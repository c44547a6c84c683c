import type { Readable, Writable } from 'node:stream';
import type { PackbotConfig } from '../domain/config/index.js';
import type { Logger } from '../core/logging/logger.js';
import type { ChatAdapter } from '../interfaces/chat/types.js';

/** The terminal as a chat: which streams, who is speaking, where. */
export interface ConsoleStreams {
  input: Readable;
  output: Writable;
  user: string;
  channel: string;
  json: boolean;
  settle?: boolean;
}

/**
 * What the composition root needs from adapters/, handed to it by the entry point
 * (bin/cli.ts) so that nothing under src/ imports a concrete adapter.
 */
export interface AdapterKit {
  /**
   * `console` set: the terminal alone (`packbot chat`); otherwise every platform under `adapters:`.
   * Async so that a platform's SDK is loaded only here, when a command needs it.
   */
  create(config: PackbotConfig, opts: { console?: ConsoleStreams; logger?: Logger }): Promise<ChatAdapter[]>;
  /** Resolves when the console adapter's input has ended (undefined when none runs). */
  consoleFinished(adapters: readonly ChatAdapter[]): Promise<void> | undefined;
}
