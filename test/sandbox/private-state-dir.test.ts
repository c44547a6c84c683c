import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { privateStateDir } from '../../src/domain/sandbox/user.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'packbot-private-state-'));
});
afterEach(async () => rm(root, { recursive: true, force: true }));

const otherBits = async (path: string): Promise<number> => (await stat(path)).mode & 0o007;

describe('state_dir made private for sandbox: user', () => {
  it('keeps packs_dir and virtualenvs_dir reachable (StackStorm\'s layout, both inside state_dir) and closes the rest', async () => {
    const stateDir = join(root, 'var');
    for (const dir of ['packs', 'virtualenvs', 'mirrors']) {
      await mkdir(join(stateDir, dir), { recursive: true });
      await chmod(join(stateDir, dir), 0o755);
    }
    await privateStateDir({ stateDir, packsDir: join(stateDir, 'packs'), virtualenvsDir: join(stateDir, 'virtualenvs') });
    expect(await otherBits(stateDir)).toBe(0o001);
    expect(await otherBits(join(stateDir, 'packs'))).toBe(0o005);
    expect(await otherBits(join(stateDir, 'virtualenvs'))).toBe(0o005);
    expect(await otherBits(join(stateDir, 'mirrors'))).toBe(0);
  });
});
