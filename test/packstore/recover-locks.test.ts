import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recoverLeftovers, type RecoverLocks } from '../../src/domain/packstore/recover.js';
import { tempDir } from '../helpers/git-repo.js';

/** Locks that only count (recovery runs in one process here: nothing to exclude). */
function countingLocks() {
  const packs: string[] = [];
  const locks: RecoverLocks = {
    pack: async (pack, fn) => { packs.push(pack); return fn(); },
    env: async (_pack, _dir, fn) => fn(),
  };
  return { locks, packs };
}

describe('start-up recovery', () => {
  it('locks only the packs that have something left over, however many packs there are', async () => {
    const packsDir = path.join(await tempDir(), 'packs');
    for (let i = 0; i < 60; i++) await mkdir(path.join(packsDir, '.releases', `pack${i}`, `1.0.0-abc-${i}`), { recursive: true });
    // A crash left a half-written release of pack7 and a temp link of pack42.
    const staged = path.join(packsDir, '.releases', 'pack7', '.tmp-build-1');
    await mkdir(staged, { recursive: true });
    await writeFile(path.join(staged, 'pack.yaml'), 'name: pack7\n');
    const link = path.join(packsDir, '.tmp-link-pack42-0123456789ab');
    await symlink('.releases/pack42/1.0.0-abc-42', link);

    const { locks, packs } = countingLocks();
    const removed = await recoverLeftovers(packsDir, [], locks);

    expect(packs.sort()).toEqual(['pack42', 'pack7']);
    expect(removed.sort()).toEqual([link, staged].sort());
    expect(existsSync(staged)).toBe(false);
    expect(existsSync(path.join(packsDir, '.releases', 'pack7', '1.0.0-abc-7'))).toBe(true);
  });
});
