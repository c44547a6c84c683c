import { PassThrough } from 'node:stream';
import { createApp, type App } from '../../src/app/app.js';
import { consoleAdapterOf, createAdapters } from '../../adapters/index.js';
import { tempDir } from './config.js';
import { testRuntime } from './runtime.js';

export interface ConsoleBot {
  app: App;
  /** The temp dir holding packbot.yaml (relative paths in the config resolve here). */
  dir: string;
  /** Type lines as chat users, end the input, wait for all work; returns what the bot said. */
  converse(lines: string[]): Promise<Array<{ channel: string; thread: string | null; text: string; mentions: string[] }>>;
  logs(): string;
}

/** The real app, real aliases and templates, the console adapter on in-memory streams. */
export async function startConsoleBot(yaml: string, env: Record<string, string> = {}): Promise<ConsoleBot> {
  const dir = await tempDir();
  const rt = await testRuntime(yaml, dir, env);
  const { config } = rt;
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (d: Buffer) => (out += d.toString()));
  const adapters = createAdapters(config, { console: { input, output, user: 'alice', channel: 'general', json: true } });
  const app = await createApp(config, { ...rt, adapters });
  await app.start();
  return {
    app,
    dir,
    async converse(lines) {
      for (const line of lines) input.write(`${line}\n`);
      input.end();
      await consoleAdapterOf(app)?.finished;
      await app.stop({ drain: true });
      return out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as never);
    },
    logs: rt.logs,
  };
}
