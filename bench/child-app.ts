/**
 * The bot a bench child measures: packbot's modules imported from `root`'s dist/ (this
 * checkout, or another one built from an older commit, so the same measuring code runs both),
 * configured from `yaml`, silent, no chat adapters, started.
 */
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';

export async function startBenchApp(root: string, yaml: string, stateDir: string): Promise<any> {
  const load = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(path.join(root, 'dist', rel)).href)) as T;
  const { parseConfig } = await load<any>('src/domain/config/index.js');
  const { createMasker } = await load<any>('src/core/masking/masker.js');
  const { createLogger } = await load<any>('src/core/logging/logger.js');
  const { AliasTable } = await load<any>('src/domain/aliases/index.js');
  const { createTemplates } = await load<any>('src/interfaces/templates/environment.js');
  const { createApp } = await load<any>('src/app/app.js');
  const { config } = parseConfig(yaml, { file: path.join(stateDir, 'packbot.yaml'), env: {} });
  const masker = createMasker();
  const logger = createLogger({ level: 'silent', masker, destination: new PassThrough(), pretty: false });
  const app = await createApp(config, { logger, masker, aliases: new AliasTable([]), templates: await createTemplates(), adapters: [] });
  await app.start();
  return app;
}
