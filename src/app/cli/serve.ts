import type { Command } from 'commander';
import type { AdapterKit } from '../adapter-kit.js';

/** `packbot serve`: the long-running bot on every configured chat platform. */
export function registerServeCommand(program: Command, kit: AdapterKit): void {
  program
    .command('serve')
    .description('run the bot on the chat platforms configured under adapters: (and the HTTP server, when server: is set)')
    .action(async () => {
      // The app is imported when the command runs, not when the program is built (a fast `packbot --version`).
      const [{ loadRuntime }, { createApp }, { startOrStop }] = await Promise.all([import('../runtime.js'), import('../app.js'), import('./start.js')]);
      const explicit = program.opts<{ config?: string }>().config;
      const rt = await loadRuntime({ ...(explicit ? { configPath: explicit } : {}), env: process.env, cwd: process.cwd() });
      const { config } = rt.loaded;
      const adapters = await kit.create(config, { logger: rt.logger });
      // Webhooks alone are a valid setup, but nobody would hear about what they deploy.
      if (adapters.length === 0 && !config.server) rt.logger.warn('no chat platform to serve; use `packbot chat` for the console');
      else if (adapters.length === 0) rt.logger.warn('no chat platform configured: webhooks will deploy, but nobody will be told');
      const app = await createApp(config, { ...rt, adapters });
      // A failed start stops what it opened and exits (a supervisor restarts only an exited process).
      await startOrStop(app, rt.logger);
      // Handlers first: a SIGTERM that arrives before them would kill the process uncleanly.
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      // Signal handlers don't keep Node running; with no platform connected nothing else would.
      const keepAlive = setInterval(() => undefined, 1 << 30);
      rt.logger.info({ adapters: adapters.map((a) => a.platform) }, 'packbot is running');
      await stopped;
      clearInterval(keepAlive);
      rt.logger.info('shutting down');
      await app.stop();
    });
}
