import { PassThrough } from 'node:stream';
import path from 'node:path';
import { parseConfig, type PackbotConfig } from '../../src/domain/config/index.js';
import { createMasker, type Masker } from '../../src/core/masking/masker.js';
import { createLogger, type Logger } from '../../src/core/logging/logger.js';
import { loadAliasTable, type AliasTable } from '../../src/domain/aliases/index.js';
import { createTemplates, type Templates } from '../../src/interfaces/templates/environment.js';
import { ROOT } from './cli.js';

export interface TestRuntime {
  config: PackbotConfig;
  masker: Masker;
  logger: Logger;
  aliases: AliasTable;
  templates: Templates;
  /** Everything logged so far (JSON lines, already masked). */
  logs(): string;
}

/** What createApp needs, from packbot.yaml text in `dir`: the real parts, logs kept in memory. */
export async function testRuntime(yaml: string, dir: string, env: Record<string, string> = {}): Promise<TestRuntime> {
  const { config, secrets } = parseConfig(yaml, { file: path.join(dir, 'packbot.yaml'), env });
  const masker = createMasker(secrets);
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  const logger = createLogger({ level: 'debug', masker, destination: stream, pretty: false });
  const { table } = await loadAliasTable([path.join(ROOT, 'aliases')]);
  return { config, masker, logger, aliases: table, templates: await createTemplates(), logs: () => text };
}
