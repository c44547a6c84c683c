import { describe, expect, it } from 'vitest';
import { layoutOf } from '../../src/domain/git/env.js';
import { ObjectReader } from '../../src/domain/git/object-reader.js';
import { fileAt } from '../../src/domain/git/objects.js';
import { repoOf } from '../../src/domain/git/repo.js';
import type { GitContext } from '../../src/domain/git/run.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { createMasker } from '../../src/core/masking/masker.js';
import { createSubtreeRepo, createTestGit } from '../helpers/git-repo.js';

describe('reading many packs\' files at one commit', () => {
  it('reads and parses the repository\'s packs/ tree once, not once per pack', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `p${i}`);
    const repo = await createSubtreeRepo(names);
    const t = await createTestGit();
    const remote = { name: 'r', url: repo.url };
    await t.git.sync(remote);
    const masker = createMasker();
    const ctx: GitContext = { layout: layoutOf(t.stateDir), masker, logger: createLogger({ level: 'silent', masker }), timeoutMs: 60_000, verified: new Set() };
    const reader = new ObjectReader(ctx, repoOf(ctx, remote), 60_000);
    // Counts what the reader is asked for; every read still goes to git.
    const asked = new Map<string, number>();
    const read = reader.read.bind(reader);
    reader.read = (oid) => {
      asked.set(oid, (asked.get(oid) ?? 0) + 1);
      return read(oid);
    };
    const packsTree = (await repo.git(['rev-parse', 'HEAD:packs'])).trim();
    const commit = (await repo.git(['rev-parse', 'HEAD'])).trim();
    try {
      const a = { ctx, reader, repo: repoOf(ctx, remote) };
      const files = await Promise.all(names.map((n) => fileAt(a, commit, `packs/${n}/pack.yaml`)));
      expect(files.every((f) => f !== null && f.toString('utf8').includes('name:'))).toBe(true);
      expect(asked.get(packsTree)).toBe(1);
      // And the entries handed out are shared, so nobody may change them.
      expect(await fileAt(a, commit, 'packs/p0/pack.yaml')).toEqual(files[0]);
    } finally {
      await reader.close();
    }
  });
});
