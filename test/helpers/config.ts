import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/domain/config/index.js';
import { PackbotError } from '../../src/core/errors.js';

export async function tempDir(prefix = 'packbot-test-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** A minimal valid packbot.yaml in a fresh temp dir; returns its path. */
export async function writeConfig(yaml: string, dir?: string): Promise<string> {
  const where = dir ?? (await tempDir());
  const file = path.join(where, 'packbot.yaml');
  await writeFile(file, yaml);
  return file;
}

/** A small config with a private repo whose token comes from $REPO_TOKEN. */
export const BASIC_CONFIG = `
bot: {name: packbot, prefix: "!"}
state_dir: ./var
adapters: {console: {}}
repositories:
  st2contrib:
    repo: https://github.com/StackStorm/st2contrib.git
    branch: master
    token: \${REPO_TOKEN}
permissions: {admins: ["console:alice"]}
log: {level: info}
`;

/** The error a config text is rejected with (a test fails if it is accepted). */
export function rejectedConfig(text: string, file = '/srv/packbot/packbot.yaml', env: Record<string, string> = {}): PackbotError {
  try {
    parseConfig(text, { file, env });
  } catch (err) {
    if (err instanceof PackbotError) return err;
    throw err;
  }
  throw new Error('expected the configuration to be rejected');
}
