import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGit } from '../../src/domain/git/index.js';
import { createMasker, MASK } from '../../src/core/masking/index.js';
import { createLogger } from '../../src/core/logging/logger.js';
import { PackbotError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/config.js';

const SECRET = 'registered-secret-that-straddles-the-cut-0123456789abcdef';

describe('git output', () => {
  it('is masked whole before the one line shown is picked and cut at 240 characters', async () => {
    const dir = await tempDir();
    const masker = createMasker([SECRET]);
    const logger = createLogger({ level: 'silent', masker });
    const git = createGit({ stateDir: path.join(dir, 'var'), masker, logger, timeoutMs: 20_000 });
    // git names the missing repository in its error; the secret sits across the 240-character cut.
    const url = path.join(dir, 'd'.repeat(200 - dir.length), SECRET, 'repo.git');
    const err = await git.sync({ name: 'r', url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackbotError);
    const message = (err as PackbotError).message;
    expect(message).toContain(MASK);
    // Not even a prefix of it is left.
    expect(message).not.toContain(SECRET.slice(0, 12));
  });
});
