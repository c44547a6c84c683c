import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { startGitHttpServer } from '../helpers/git-http-server.js';
import { createSubtreeRepo, createTestGit, tempDir } from '../helpers/git-repo.js';

describe('time limit', () => {
  it('a remote that never answers ends in git_timeout naming the limit, and no half clone is left', async () => {
    const root = await tempDir('packbot-served-');
    await createSubtreeRepo(['a'], { dir: path.join(root, 'slow') });
    const server = await startGitHttpServer({ root });
    server.stall(true);
    try {
      const { git, stateDir } = await createTestGit({ timeoutMs: 1500 });
      const err = await git.sync({ name: 'slow', url: server.repoUrl('slow') }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'git_timeout', message: 'Cloning timed out for repository "slow" after 1.5s (the git time limit).' });
      expect(server.requests.length).toBeGreaterThan(0);
      expect(await readdir(path.join(stateDir, 'mirrors'))).toEqual([]);

      // The same Git works once the remote answers again.
      server.stall(false);
      expect((await git.sync({ name: 'slow', url: server.repoUrl('slow') })).cloned).toBe(true);
    } finally {
      await server.close();
    }
  });
});
