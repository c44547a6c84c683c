/**
 * Pack config secrets (keys marked `secret: true` in config.schema.yaml) of the packs already
 * installed: a deploy registers them as it reads the config (deploy/activate.ts), but after a
 * restart the masker starts empty while rollbacks and register hooks still run those packs.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkPackConfig } from '../packs/config.js';
import { isPackName } from './names.js';

export async function installedPackSecrets(packsDir: string, configsDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(packsDir);
  } catch {
    return [];
  }
  const secrets: string[] = [];
  for (const name of names.filter(isPackName).sort()) {
    const check = await checkPackConfig({ ref: name, packDir: join(packsDir, name), configsDir }).catch(() => null);
    if (check) secrets.push(...check.secrets);
  }
  return [...new Set(secrets)];
}
