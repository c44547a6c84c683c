import { GitError } from 'simple-git';
import { describe, expect, it } from 'vitest';
import { firstMeaningfulLine, gitFailure } from '../../src/domain/git/failure.js';
import { formatLimit } from '../../src/core/duration.js';
import { createMasker } from '../../src/core/masking/masker.js';

describe('git failures as one masked line', () => {
  const remote = { name: 'st2contrib', url: 'https://example.com/r.git', token: 'ghp_secretToken123' };
  const base = { what: 'fetching', remote, protocol: 'https' as const, timeoutMs: 300_000, timedOut: false };

  it('keeps the first fatal/error line, dropping hints and progress', () => {
    const stderr = "Cloning into 'x'...\nhint: something helpful\nremote: Counting objects: 3\nfatal: unable to access 'https://example.com/r.git/': Could not resolve host: example.com\nerror: more\n";
    expect(firstMeaningfulLine(stderr)).toBe("unable to access 'https://example.com/r.git/': Could not resolve host: example.com");
    expect(firstMeaningfulLine('')).toBe('git exited with an error');
  });

  it('masks registered secrets and URL credentials in what git printed', () => {
    const masker = createMasker(['ghp_secretToken123']);
    const err = gitFailure(new GitError(undefined, 'fatal: could not fetch https://user:pw@example.com/r.git with ghp_secretToken123\n'), { ...base, masker });
    expect(err.code).toBe('git_failed');
    expect(err.message).toBe('Fetching failed for repository "st2contrib": could not fetch https://***@example.com/r.git with ***');
  });

  it('names the limit on a timeout', () => {
    const err = gitFailure(new GitError(undefined, 'fatal: early EOF'), { ...base, masker: createMasker(), timedOut: true });
    expect(err.code).toBe('git_timeout');
    expect(err.message).toBe('Fetching timed out for repository "st2contrib" after 5m (the git time limit).');
    expect([formatLimit(90_000), formatLimit(1500), formatLimit(250)]).toEqual(['90s', '1.5s', '250ms']);
  });

  it('points at the ssh key for ssh auth failures', () => {
    const err = gitFailure(new GitError(undefined, 'git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository.'), {
      ...base,
      protocol: 'ssh',
      masker: createMasker(),
    });
    expect(err.message).toContain('check repositories.st2contrib.ssh_key_file');
  });
});
