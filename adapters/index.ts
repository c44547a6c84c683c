/**
 * The concrete chat adapters, in one place, every class loaded up front: what tests and
 * benches build adapters with. The entry point (bin/cli.ts) uses kit.ts instead, which
 * loads a platform's SDK only when that platform is configured; both build from settings.ts,
 * so nothing under src/ imports an adapter and both agree on what a config asks for.
 */
import type { PackbotConfig } from '../src/domain/config/index.js';
import type { ChatAdapter } from '../src/interfaces/chat/types.js';
import { ConsoleAdapter } from './console/adapter.js';
import { DiscordAdapter } from './discord/adapter.js';
import { SlackAdapter } from './slack/adapter.js';
import { adapterSettings, type AdapterOptions } from './settings.js';

export type { AdapterOptions } from './settings.js';
export { adapterKit } from './kit.js';

/** `packbot chat` asks for the console; `packbot serve` gets every platform configured under `adapters:`. */
export function createAdapters(config: PackbotConfig, opts: AdapterOptions): ChatAdapter[] {
  const settings = adapterSettings(config, opts);
  const adapters: ChatAdapter[] = [];
  if (settings.console) adapters.push(new ConsoleAdapter(settings.console));
  if (settings.slack) adapters.push(new SlackAdapter(settings.slack));
  if (settings.discord) adapters.push(new DiscordAdapter(settings.discord));
  return adapters;
}

export function consoleAdapterOf(app: { adapters: readonly ChatAdapter[] }): ConsoleAdapter | undefined {
  return app.adapters.find((a): a is ConsoleAdapter => a instanceof ConsoleAdapter);
}
