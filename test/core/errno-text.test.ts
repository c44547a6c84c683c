/**
 * Refused file-system calls as one actionable line (issue 20: raw `EACCES: permission denied,
 * open '…'` reached chat). The errors are Node's own, made by real calls where a unit test can
 * (a missing file is not rewritten); the kinds a unit test cannot provoke without privileges
 * (a read-only mount, a full disk) carry the fields Node gives them.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { fsErrorText } from '../../src/core/fs/errno-text.js';
import { errorText } from '../../src/services/deploy/result.js';
import { createMasker } from '../../src/core/masking/masker.js';

function nodeError(code: string, syscall: string, at: string): Error {
  return Object.assign(new Error(`${code}: something, ${syscall} '${at}'`), { code, syscall, path: at, errno: -1 });
}

describe('fsErrorText', () => {
  it('names the path, what is wrong and the fix, on one line', () => {
    const lines = [
      fsErrorText(nodeError('EACCES', 'mkdir', '/srv/packs/.releases')),
      fsErrorText(nodeError('EPERM', 'open', '/srv/packs/x')),
      fsErrorText(nodeError('EACCES', 'scandir', '/srv/packs')),
      fsErrorText(nodeError('EROFS', 'open', '/srv/packs/x')),
      fsErrorText(nodeError('ENOSPC', 'write', '/srv/packs/x')),
      fsErrorText(nodeError('EFBIG', 'write', '/srv/packs/x')),
    ];
    expect(lines).toEqual([
      "packbot may not write /srv/packs/.releases (permission denied): make /srv/packs writable by the user packbot runs as (its owner or permissions: chown or chmod), then try again.",
      "packbot may not write /srv/packs/x (permission denied): make /srv/packs writable by the user packbot runs as (its owner or permissions: chown or chmod), then try again.",
      "packbot may not read /srv/packs (permission denied): let the user packbot runs as read it (its owner or permissions: chown or chmod), then try again.",
      'packbot cannot write /srv/packs/x: the file system is read-only. Mount it read-write, or point packbot.yaml at a writable directory, then try again.',
      'packbot cannot write /srv/packs/x: no space left (disk full). Free some space on that file system, then try again.',
      "packbot cannot write /srv/packs/x: the file is larger than the file system or packbot's file-size limit (ulimit -f) allows.",
    ]);
    for (const l of lines) expect(l).not.toMatch(/\n|EACCES|EPERM|EROFS|ENOSPC|EFBIG/);
  });

  it('leaves other errors to their own message', async () => {
    const missing = await readFile('/nonexistent/packbot-test').then(() => null, (e: unknown) => e);
    expect(fsErrorText(missing)).toBeUndefined();
    expect(fsErrorText(new Error('boom'))).toBeUndefined();
    expect(fsErrorText('EACCES')).toBeUndefined();
  });

  it("is what a deploy's result says for such an error", () => {
    expect(errorText(nodeError('EACCES', 'rename', '/srv/packs/alpha'), createMasker())).toMatch(/^packbot may not write \/srv\/packs\/alpha \(permission denied\)/);
  });
});
