import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tar from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractArchive } from '../../src/domain/archive/extract.js';
import { walkZip } from '../../src/domain/archive/zip.js';
import { PackbotError } from '../../src/core/errors.js';
import { buildTarGz, paxRecord } from '../helpers/archive-tar.js';
import { buildZip } from '../helpers/archive-zip.js';
import { EXTRACT_LIMITS, extractDirs } from '../helpers/extract-dirs.js';

const limits = EXTRACT_LIMITS;

let tmp: string;
let archive: string;
let out: string;
let dest: string;

beforeEach(async () => {
  ({ tmp, archive, out, dest } = await extractDirs('packbot-x-'));
});
afterEach(() => rm(tmp, { recursive: true, force: true }));

/** Every file under dir, as "relative/path mode" (dirs end with '/'). */
async function listTree(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(dir, { recursive: true })) {
    const st = await lstat(path.join(dir, name));
    const mode = (st.mode & 0o7777).toString(8);
    found.push(st.isDirectory() ? `${name}/ ${mode}` : `${name} ${mode}`);
  }
  return found.sort();
}

async function expectRefused(bytes: Buffer, message: RegExp, sentinels: string[] = [], opts = limits): Promise<void> {
  await writeFile(archive, bytes);
  const err = await extractArchive(archive, dest, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PackbotError);
  expect((err as PackbotError).code).toBe('archive_invalid');
  expect((err as PackbotError).message).toMatch(message);
  // Nothing beside dest, dest gone (it did not exist before), and no hostile target written.
  expect(await readdir(out)).toEqual([]);
  expect(await readdir(tmp)).toEqual(['in', 'out']);
  for (const s of sentinels) expect(existsSync(s)).toBe(false);
}

describe('extractArchive: good archives', () => {
  it('extracts a tar.gz made by node-tar with modes normalised and reports its top dir', async () => {
    const src = path.join(tmp, 'src');
    await mkdir(path.join(src, 'repo-1.2.3', 'actions', 'empty'), { recursive: true });
    await writeFile(path.join(src, 'repo-1.2.3', 'pack.yaml'), 'name: demo\n', { mode: 0o600 });
    await writeFile(path.join(src, 'repo-1.2.3', 'actions', 'run.sh'), '#!/bin/sh\n', { mode: 0o700 });
    await tar.c({ gzip: true, file: archive, cwd: src, portable: true }, ['repo-1.2.3']);
    await rm(src, { recursive: true });

    const got = await extractArchive(archive, dest, limits);
    expect(got).toEqual({ files: 2, bytes: 21, root: path.join(dest, 'repo-1.2.3') });
    expect(await listTree(dest)).toEqual([
      'repo-1.2.3/ 755',
      'repo-1.2.3/actions/ 755',
      'repo-1.2.3/actions/empty/ 755',
      'repo-1.2.3/actions/run.sh 755',
      'repo-1.2.3/pack.yaml 644',
    ]);
    expect(await readFile(path.join(dest, 'repo-1.2.3', 'pack.yaml'), 'utf8')).toBe('name: demo\n');
  });

  it('handles a GitHub-style tarball: pax global header, ./ prefixes, setuid dropped', async () => {
    const gz = buildTarGz([
      { name: 'pax_global_header', type: 'g', data: paxRecord('comment', 'a'.repeat(40)) },
      { name: './repo-abc/', type: '5', mode: 0o775 },
      { name: './repo-abc/pack.yaml', data: 'name: x\n', mode: 0o664 },
      { name: './repo-abc/bin/tool', data: 'x', mode: 0o4755 },
    ]);
    await writeFile(archive, gz);
    const got = await extractArchive(archive, dest, { ...limits, kind: 'tar.gz' });
    expect(got.root).toBe(path.join(dest, 'repo-abc'));
    expect(await listTree(dest)).toEqual(['repo-abc/ 755', 'repo-abc/bin/ 755', 'repo-abc/bin/tool 755', 'repo-abc/pack.yaml 644']);
  });

  it('extracts a zip with modes from its Unix attributes; root is dest when there is no single top dir', async () => {
    await mkdir(dest);
    const zip = buildZip([
      { name: 'pack.yaml', data: 'name: z\n' },
      { name: 'actions/', mode: 0o040700 },
      { name: 'actions/run.sh', data: '#!/bin/sh\necho hi\n', mode: 0o104755 },
      { name: 'README', data: 'r'.repeat(5000), method: 0 },
    ]);
    await writeFile(archive, zip);
    const got = await extractArchive(archive, dest, limits);
    expect(got).toEqual({ files: 3, bytes: 8 + 18 + 5000, root: dest });
    expect(await listTree(dest)).toEqual(['README 644', 'actions/ 755', 'actions/run.sh 755', 'pack.yaml 644']);
  });

  it('refuses a non-empty dest and a kind that does not match the bytes', async () => {
    await writeFile(archive, buildZip([{ name: 'a', data: 'a' }]));
    await mkdir(dest);
    await writeFile(path.join(dest, 'keep'), 'x');
    await expect(extractArchive(archive, dest, limits)).rejects.toThrow(/is not empty; extract into a fresh staging directory/);
    expect(await readdir(dest)).toEqual(['keep']);
    await expect(extractArchive(archive, path.join(out, 'other'), { ...limits, kind: 'tar.gz' })).rejects.toThrow(
      /expected to be a \.tar\.gz but is a \.zip/,
    );
    await writeFile(archive, 'not an archive at all');
    await expect(extractArchive(archive, path.join(out, 'other'), limits)).rejects.toThrow(/neither a \.tar\.gz nor a \.zip/);
  });
});

describe('extractArchive: hostile tar.gz', () => {
  const file = (name: string, data = 'pwned'): { name: string; data: string } => ({ name, data });

  it('refuses ../ traversal', async () => {
    await expectRefused(
      buildTarGz([file('ok'), file('../../evil')]),
      /^archive entry "\.\.\/\.\.\/evil" escapes the pack directory; the archive is refused$/,
      [path.join(tmp, 'evil')],
    );
  });

  it('refuses an absolute path', async () => {
    const target = path.join(tmp, 'abs-evil');
    await expectRefused(buildTarGz([file(target)]), /is an absolute path; the archive is refused/, [target]);
  });

  it('refuses a backslash name', async () => {
    await expectRefused(buildTarGz([file('..\\evil')]), /"\.\.\\\\evil" has a backslash/, [path.join(out, 'evil')]);
  });

  it('refuses a symlink pointing out, and the write through it', async () => {
    const gz = buildTarGz([{ name: 'link', type: '2', linkname: '../../' }, file('link/evil')]);
    await expectRefused(gz, /"link\/evil" sits under "link", a symbolic link of the same archive/, [path.join(tmp, 'evil')]);
    await expectRefused(
      buildTarGz([file('a'), { name: 'link', type: '2', linkname: '../../' }]),
      /"link" is a symbolic link \(to "\.\.\/\.\.\/"\), and it points outside the pack; only relative links to files and directories inside the pack/,
    );
  });

  it('refuses a hard link pointing out', async () => {
    const gz = buildTarGz([{ name: 'hl', type: '1', linkname: '../../in/archive' }]);
    await expectRefused(gz, /"hl" is a hard link/);
  });

  it('refuses a FIFO and a character device', async () => {
    await expectRefused(buildTarGz([file('a'), { name: 'pipe', type: '6' }]), /"pipe" is a FIFO/);
    await expectRefused(buildTarGz([{ name: 'null', type: '3' }]), /"null" is a character device/);
  });

  it('refuses unknown entry types rather than skipping them', async () => {
    await expectRefused(buildTarGz([file('a'), { name: 'odd', type: 'Z' }]), /"odd" has an unsupported type/);
  });

  it('refuses a path smuggled in a pax header', async () => {
    const gz = buildTarGz([{ name: 'PaxHeader', type: 'x', data: paxRecord('path', '../pax-evil') }, file('innocent')]);
    await expectRefused(gz, /"\.\.\/pax-evil" escapes the pack directory/, [path.join(out, 'pax-evil')]);
  });

  it('refuses an entry over the per-file cap, duplicates, and too many entries', async () => {
    await expectRefused(buildTarGz([file('big', 'x'.repeat(2000))]), /"big" is 2000 bytes, over the 1000-byte per-file cap/, [], {
      ...limits,
      maxEntryBytes: 1000,
    });
    await expectRefused(buildTarGz([file('a'), file('./a')]), /"\.\/a" appears more than once/);
    await expectRefused(buildTarGz([file('a'), file('a/b')]), /"a\/b" sits under a file of the same archive/);
    await expectRefused(buildTarGz([file('a'), file('b'), file('c'), file('d')]), /more than 3 entries, the cap/, [], {
      ...limits,
      maxEntries: 3,
    });
  });

  it('refuses a gzip that inflates far past the caps', async () => {
    const gz = buildTarGz([file('a')], Buffer.alloc(8 * 1024 * 1024));
    expect(gz.length).toBeLessThan(64 * 1024);
    await expectRefused(gz, /decompresses to more than \d+ bytes/, [], { maxEntries: 10, maxBytes: 1 << 20, maxEntryBytes: 1 << 20 });
  });

  it('refuses a corrupt tar', async () => {
    const gz = buildTarGz([file('a', 'x'.repeat(600))]);
    const { gunzipSync, gzipSync } = await import('node:zlib');
    const raw = gunzipSync(gz);
    raw[10] = 0x41; // breaks the header checksum
    await expectRefused(gzipSync(raw), /not a valid \.tar\.gz/);
  });
});

describe('extractArchive: hostile zip', () => {
  it('refuses zip-slip, absolute paths and backslashes', async () => {
    await expectRefused(buildZip([{ name: 'ok', data: 'ok' }, { name: '../evil', data: 'x' }]), /"\.\.\/evil" escapes the pack directory/, [
      path.join(out, 'evil'),
    ]);
    const target = path.join(tmp, 'abs-evil');
    await expectRefused(buildZip([{ name: target, data: 'x' }]), /is an absolute path/, [target]);
    await expectRefused(buildZip([{ name: '..\\evil', data: 'x' }]), /has a backslash/, [path.join(out, 'evil')]);
    await expectRefused(buildZip([{ name: 'C:/evil', data: 'x' }]), /is an absolute path/);
  });

  it('refuses a symlink entry, and a FIFO mode', async () => {
    await expectRefused(
      buildZip([{ name: 'link', data: '../../', mode: 0o120777 }, { name: 'link/evil', data: 'x' }]),
      /"link\/evil" sits under "link", a symbolic link/,
      [path.join(tmp, 'evil')],
    );
    await expectRefused(buildZip([{ name: 'a', data: 'x' }, { name: 'link', data: '../../', mode: 0o120777 }]), /"link" is a symbolic link \(to "\.\.\/\.\.\/"\), and it points outside the pack/);
    await expectRefused(buildZip([{ name: 'p', mode: 0o010644 }]), /"p" is a FIFO/);
  });

  it('refuses an entry whose header understates its size, removing what was written', async () => {
    const zip = buildZip([
      { name: 'first', data: 'fine' },
      { name: 'liar', data: Buffer.alloc(100_000), declaredSize: 10 },
    ]);
    await expectRefused(zip, /"liar" (does not match the size its header declares|holds more data than its header declares)/);
    await expectRefused(buildZip([{ name: 'short', data: 'abc', declaredSize: 1000 }]), /"short" does not match the size its header declares/);
  });

  it('a size lie found before anyone reads the entry is the entry\'s refusal, never an uncaught error', async () => {
    // yauzl inflates into its size check as soon as the entry is opened; a reader that is still
    // busy (creating the file, on a slow disk) has no listener yet when that check fails.
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => void uncaught.push(err);
    process.prependListener('uncaughtException', onUncaught);
    try {
      await writeFile(archive, buildZip([{ name: 'liar', data: Buffer.alloc(100_000), declaredSize: 10 }]));
      const slowReader = async (_entry: unknown, body: AsyncIterable<Uint8Array>) => {
        await new Promise((r) => setTimeout(r, 100));
        for await (const chunk of body) void chunk;
      };
      await expect(walkZip(archive, limits, slowReader, true)).rejects.toThrow(/"liar" does not match the size its header declares/);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      process.removeListener('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  it('empties, but keeps, a dest that existed before a refused extraction', async () => {
    await mkdir(dest);
    await writeFile(archive, buildZip([{ name: 'first', data: 'fine' }, { name: 'liar', data: Buffer.alloc(50_000), declaredSize: 10 }]));
    await expect(extractArchive(archive, dest, limits)).rejects.toThrow(/"liar"/);
    expect(await readdir(out)).toEqual(['stage']);
    expect(await readdir(dest)).toEqual([]);
  });

  it('refuses a zip bomb: small compressed, over the total cap uncompressed', async () => {
    const mib = Buffer.alloc(1 << 20);
    const zip = buildZip([1, 2, 3, 4].map((i) => ({ name: `zero${i}`, data: mib })));
    expect(zip.length).toBeLessThan(32 * 1024);
    await expectRefused(zip, /unpacks to more than 3145728 bytes, the cap/, [], {
      maxEntries: 10,
      maxBytes: 3 << 20,
      maxEntryBytes: 2 << 20,
    });
  });

  it('refuses an oversized entry and too many entries', async () => {
    await expectRefused(buildZip([{ name: 'big', data: Buffer.alloc(300_000) }]), /"big" is 300000 bytes, over the 262144-byte per-file cap/);
    const many = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: 'x' }));
    await expectRefused(buildZip(many), /has 5 entries, over the 4-entry cap/, [], { ...limits, maxEntries: 4 });
  });
});
