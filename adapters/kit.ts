/**
 * What the entry point (bin/cli.ts) hands the composition root: adapters built on demand.
 * Each adapter's module — and with it discord.js or @slack/bolt — is imported only when a
 * command creates that adapter, so `packbot --version`, `config check` or `deploy` never load
 * a chat SDK (test/cli/startup-modules.test.ts holds this).
 */
import type { AdapterKit } from '../src/app/adapter-kit.js';
import type { ChatAdapter } from '../src/interfaces/chat/types.js';
import type { ConsoleAdapter } from './console/adapter.js';

export const adapterKit: AdapterKit = {
  async create(config, opts) {
    const { adapterSettings } = await import('./settings.js');
    const settings = adapterSettings(config, opts);
    const adapters: ChatAdapter[] = [];
    if (settings.console) adapters.push(new (await import('./console/adapter.js')).ConsoleAdapter(settings.console));
    if (settings.slack) adapters.push(new (await import('./slack/adapter.js')).SlackAdapter(settings.slack));
    if (settings.discord) adapters.push(new (await import('./discord/adapter.js')).DiscordAdapter(settings.discord));
    return adapters;
  },
  // By platform, not instanceof: the class is loaded only once a console adapter was created.
  consoleFinished: (adapters) => (adapters.find((a) => a.platform === 'console') as ConsoleAdapter | undefined)?.finished,
};
