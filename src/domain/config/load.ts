/**
 * Finding and reading packbot.yaml. Precedence: an explicit path (--config), then
 * $PACKBOT_CONFIG, then ./packbot.yaml in the working directory. A path that was asked for
 * but is missing is an error, never a silent fall-through to the next candidate.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { errnoCode } from '../../core/caught.js';
import { PackbotError } from '../../core/errors.js';
import type { Env } from './interpolate.js';
import { parseConfig, type LoadedConfig } from './parse.js';

export interface FindOptions {
  explicit?: string | undefined;
  env: Env;
  cwd: string;
}

const FIX = 'pass --config <file>, set PACKBOT_CONFIG, or copy examples/packbot.yaml to ./packbot.yaml and point its repository at yours';

export function findConfigPath(opts: FindOptions): string {
  const fromEnv = opts.env['PACKBOT_CONFIG'];
  const [candidate, source] =
    opts.explicit !== undefined && opts.explicit !== ''
      ? [opts.explicit, '--config']
      : fromEnv !== undefined && fromEnv !== ''
        ? [fromEnv, 'PACKBOT_CONFIG']
        : ['packbot.yaml', 'the working directory'];
  const file = resolve(opts.cwd, candidate);
  if (isFile(file)) return file;
  throw new PackbotError('config_not_found', `no configuration file at ${file} (from ${source}); ${FIX}`, {
    details: [`tried: ${file}`],
  });
}

export async function loadConfig(opts: FindOptions): Promise<LoadedConfig> {
  const file = findConfigPath(opts);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = errnoCode(err) ?? 'unknown error';
    if (code === 'ENOENT') throw new PackbotError('config_not_found', `no configuration file at ${file}; ${FIX}`, { cause: err });
    throw new PackbotError('config_invalid', `${file}: cannot read the configuration (${code})`, { cause: err });
  }
  return parseConfig(text, { file, env: opts.env });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
