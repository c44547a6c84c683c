import { PassThrough } from 'node:stream';
import path from 'node:path';
import { parseConfig } from '../../src/config/index.js';
import { createMasker } from '../../src/masking/masker.js';
import { createLogger } from '../../src/logging/logger.js';
import { loadAliasTable } from '../../src/aliases/index.js';
import { createTemplates } from '../../src/templates/environment.js';
import { consoleAdapterOf, createAdapters, createApp, type App } from '../../src/app.js';
import { ROOT } from './cli.js';
import { tempDir } from './config.js';

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
  const { config, secrets } = parseConfig(yaml, { file: path.join(dir, 'packbot.yaml'), env });
  const masker = createMasker(secrets);
  const logStream = new PassThrough();
  let logText = '';
  logStream.on('data', (d: Buffer) => (logText += d.toString()));
  const logger = createLogger({ level: 'debug', masker, destination: logStream, pretty: false });
  const { table } = await loadAliasTable([path.join(ROOT, 'aliases')]);
  const templates = await createTemplates();
  const input = new PassThrough();
  const output = new PassThrough();
  let out = '';
  output.on('data', (d: Buffer) => (out += d.toString()));
  const adapters = createAdapters(config, { console: { input, output, user: 'alice', channel: 'general', json: true } });
  const app = createApp(config, { logger, masker, aliases: table, templates, adapters });
  await app.start();
  return {
    app,
    dir,
    async converse(lines) {
      for (const line of lines) input.write(`${line}\n`);
      input.end();
      await consoleAdapterOf(app)?.finished;
      await app.stop();
      return out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as never);
    },
    logs: () => logText,
  };
}
