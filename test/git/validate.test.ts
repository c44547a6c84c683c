import { describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { validateRef } from '../../src/domain/git/index.js';
import { validatePath } from '../../src/domain/git/validate.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof PackbotError ? err.code : 'not a PackbotError';
  }
}

describe('validateRef', () => {
  it.each(['main', 'feature/x-1', 'v1.2.3', 'release_2024', 'a1b2c3d', 'x'.repeat(200)])('accepts %s', (ref) => {
    expect(validateRef(ref)).toBe(ref);
  });

  it.each([
    ['--upload-pack=touch /tmp/x', 'option'],
    ['-u touch /tmp/x', 'option'],
    ['-c protocol.ext.allow=always', 'option'],
    ['../../etc', '".."'],
    ['a..b', '".."'],
    ['ext::sh -c touch% /tmp/x', 'letters, digits'],
    ['a//b', '"//"'],
    ['main/', 'trailing'],
    ['/etc/passwd', 'leading "/"'],
    ['refs/heads/x.lock', '.lock'],
    ['.hidden', 'starting with "."'],
    ['HEAD@{1}', 'letters, digits'],
    ['main~1', 'letters, digits'],
    ['main^', 'letters, digits'],
    [':/fix', 'letters, digits'],
    ['x'.repeat(201), 'longer than 200'],
    ['', 'expected a branch'],
  ])('rejects %j with a one-line reason', (ref, reason) => {
    let error: unknown;
    try {
      validateRef(ref);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(PackbotError);
    const err = error as PackbotError;
    expect(err.code).toBe('git_ref_invalid');
    expect(err.message).toContain(reason);
    expect(err.message).not.toContain('\n');
  });
});

describe('validatePath', () => {
  it('accepts the root and nested directories', () => {
    expect(validatePath('')).toBe('');
    expect(validatePath('packs/docker')).toBe('packs/docker');
  });
  it.each(['../x', 'packs/../..', '/abs', '-x', 'packs//a', 'packs/a/', 'a b', 'packs/.git', ':(top)x', '*'])('rejects %j', (p) => {
    expect(codeOf(() => validatePath(p))).toBe('pack_unsafe');
  });
});
