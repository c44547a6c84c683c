/**
 * Symlinks in registry archives follow the same rules as in a git tree or on disk
 * (core/fs/pack-links): relative links that resolve inside the pack are unpacked as links;
 * every other link refuses the whole archive before a byte is written.
 */
import { existsSync } from 'node:fs';
import { lstat, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { extractArchive } from '../../src/domain/archive/extract.js';
import { buildTarGz, type TarEntrySpec } from '../helpers/archive-tar.js';
import { buildZip } from '../helpers/archive-zip.js';
import { EXTRACT_LIMITS, extractDirs } from '../helpers/extract-dirs.js';

const limits = EXTRACT_LIMITS;
const SHARED = 'def helper():\n    return 42\n';

let tmp: string;
let archive: string;
let out: string;
let dest: string;

beforeEach(async () => {
  ({ tmp, archive, out, dest } = await extractDirs('packbot-xl-'));
});
afterEach(() => rm(tmp, { recursive: true, force: true }));

/** A pack under `top/` (a GitHub-style archive), with `links` (path → target) added first. */
type Entry = { name: string; data?: string; link?: string };
function packEntries(links: Record<string, string>, top = 'repo-1.2.3'): Entry[] {
  return [
    // Links come before what they name: the archive order must not matter.
    ...Object.entries(links).map(([name, link]) => ({ name: `${top}/${name}`, link })),
    { name: `${top}/pack.yaml`, data: 'name: demo\n' },
    { name: `${top}/actions/lib/x.py`, data: SHARED },
  ];
}

const asTar = (entries: Entry[]): Buffer =>
  buildTarGz(entries.map((e): TarEntrySpec => (e.link === undefined ? { name: e.name, data: e.data ?? '' } : { name: e.name, type: '2', linkname: e.link })));
const asZip = (entries: Entry[]): Buffer =>
  buildZip(entries.map((e) => (e.link === undefined ? { name: e.name, data: e.data ?? '' } : { name: e.name, data: e.link, mode: 0o120777 })));

const FORMATS = [
  ['tar.gz', asTar],
  ['zip', asZip],
] as const;

describe.each(FORMATS)('%s archives with symlinks', (_kind, build) => {
  it('unpacks relative links that stay inside the pack as links, file and directory alike', async () => {
    await writeFile(archive, build(packEntries({ 'sensors/lib/x.py': '../../actions/lib/x.py', 'sensors/shared': '../actions/lib', 'etc/x.py': '../sensors/lib/x.py' })));
    const got = await extractArchive(archive, dest, limits);
    expect(got.root).toBe(path.join(dest, 'repo-1.2.3'));
    expect(got.files).toBe(2);
    for (const rel of ['sensors/lib/x.py', 'sensors/shared/x.py', 'etc/x.py']) {
      expect(await readFile(path.join(got.root, rel), 'utf8')).toBe(SHARED);
    }
    expect((await lstat(path.join(got.root, 'sensors/lib/x.py'))).isSymbolicLink()).toBe(true);
    expect(await readlink(path.join(got.root, 'sensors/shared'))).toBe('../actions/lib');
  });

  it.each([
    ['an absolute link', { 'actions/passwd': '/etc/passwd' }, /"repo-1\.2\.3\/actions\/passwd" is a symbolic link \(to "\/etc\/passwd"\), and its target is an absolute path/],
    ['a link out of the archive', { 'sensors/lib/x.py': '../../../../etc/passwd' }, /"repo-1\.2\.3\/sensors\/lib\/x\.py" is a symbolic link .*, and it points outside the pack/],
    // Inside the archive, but above the pack (the archive's single top directory).
    ['a link out of the pack into the archive root', { 'x.py': '../repo-1.2.3/actions/lib/x.py' }, /"repo-1\.2\.3\/x\.py" is a symbolic link .*outside the pack/],
    ['a link to a link that leaves', { 'a.py': 'b.py', 'b.py': '../../etc/passwd' }, /"repo-1\.2\.3\/a\.py" is a symbolic link .*outside the pack through "b\.py"/],
    ['a dangling link', { 'gone.py': 'actions/lib/nothing.py' }, /"repo-1\.2\.3\/gone\.py" is a symbolic link .*"actions\/lib\/nothing\.py", which does not exist in the pack/],
    ['a loop', { a: 'b', b: 'a' }, /"repo-1\.2\.3\/a" is a symbolic link .*loop/],
    ['a directory link to its parent', { 'actions/up': '..' }, /"repo-1\.2\.3\/actions\/up" is a symbolic link .*loop/],
  ])('refuses %s, writing nothing', async (_what, links, message) => {
    await writeFile(archive, build(packEntries(links)));
    const err = await extractArchive(archive, dest, limits).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PackbotError);
    expect((err as PackbotError).code).toBe('archive_invalid');
    expect((err as PackbotError).message).toMatch(message);
    expect((err as PackbotError).message).not.toContain('\n');
    expect(await readdir(out)).toEqual([]);
  });

  it('refuses an entry written through a link, even one that points inside', async () => {
    const entries = [...packEntries({ 'sensors/lib': '../actions/lib' }), { name: 'repo-1.2.3/sensors/lib/evil.py', data: 'x' }];
    await writeFile(archive, build(entries));
    await expect(extractArchive(archive, dest, limits)).rejects.toThrow(/"repo-1\.2\.3\/sensors\/lib\/evil\.py" sits under "repo-1\.2\.3\/sensors\/lib", a symbolic link/);
    expect(existsSync(path.join(tmp, 'in', 'evil.py'))).toBe(false);
    expect(await readdir(out)).toEqual([]);
  });
});
