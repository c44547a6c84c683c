import { execa } from 'execa';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanGitEnv, createRepo, createTestGit, listFiles, packFiles, tempDir } from '../helpers/git-repo.js';

const BINARY = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));

/** Every file under `dir`: its bytes and whether it is executable. */
async function snapshot(dir: string): Promise<Record<string, { bytes: string; exec: boolean }>> {
  const out: Record<string, { bytes: string; exec: boolean }> = {};
  for (const rel of await listFiles(dir)) {
    const file = path.join(dir, rel);
    out[rel] = { bytes: (await readFile(file)).toString('base64'), exec: ((await stat(file)).mode & 0o111) !== 0 };
  }
  return out;
}

describe('materialize writes what git itself would', () => {
  it('the same files, bytes and executable bits as `git archive` of the pack directory', async () => {
    const repo = await createRepo({
      files: {
        ...packFiles('p', 'packs/p/'),
        'packs/p/actions/lib/deep/nested/util.py': 'X = 1\n',
        'packs/p/actions/lib/deep/tool.sh': { content: '#!/bin/sh\nexit 0\n', executable: true },
        'packs/p/etc/empty.txt': '',
        'packs/p/etc/with space & ünïcode.txt': 'naïve\r\nline\n',
        'packs/other/pack.yaml': 'name: other\n',
      },
    });
    await writeFile(path.join(repo.dir, 'packs/p/etc/blob.bin'), BINARY);
    await repo.git(['add', '--', 'packs/p/etc/blob.bin']);
    const sha = await repo.commit('binary');

    const reference = await tempDir('packbot-archive-');
    const tar = path.join(reference, 'p.tar');
    await execa('git', ['archive', '--format=tar', '-o', tar, `${sha}:packs/p`], { cwd: repo.dir, env: cleanGitEnv(repo.dir), extendEnv: false });
    await mkdir(path.join(reference, 'x'));
    await execa('tar', ['-xf', tar, '-C', path.join(reference, 'x')]);

    const { git } = await createTestGit();
    const dest = path.join(await tempDir('packbot-dest-'), 'p');
    await git.materialize({ name: 'r', url: repo.url }, sha, 'packs/p', dest);

    const expected = await snapshot(path.join(reference, 'x'));
    expect(Object.keys(expected)).toContain('etc/blob.bin');
    expect(await snapshot(dest)).toEqual(expected);
    expect(expected['actions/lib/deep/tool.sh']?.exec).toBe(true);
    expect(expected['actions/run.sh']?.exec).toBe(true);
    expect(expected['pack.yaml']?.exec).toBe(false);
    await git.closeReaders();
  });

  it('the committed bytes, whatever a .gitattributes in the pack asks of a checkout', async () => {
    const repo = await createRepo({ files: { 'pack.yaml': 'name: solo\n', '.gitattributes': '* text eol=crlf\n', 'run.sh': 'a\nb\n' } });
    const { git } = await createTestGit();
    const dest = path.join(await tempDir('packbot-dest-'), 'solo');
    await git.materialize({ name: 'solo', url: repo.url }, 'main', '', dest);
    expect(await readFile(path.join(dest, 'run.sh'), 'utf8')).toBe('a\nb\n');
    await git.closeReaders();
  });
});
