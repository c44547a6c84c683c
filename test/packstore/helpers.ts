import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { PackbotError } from '../../src/core/errors.js';
import { createPackStore, type PackStore, type ReleaseMeta } from '../../src/domain/packstore/index.js';

/** A fresh temp dir per test file, removed afterwards. */
export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `packbot-${prefix}-`));
}

export async function cleanup(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** Write files (path → content, or [content, mode]) under dir. */
export async function writeTree(dir: string, files: Record<string, string | [string, number]>): Promise<string> {
  for (const [path, spec] of Object.entries(files)) {
    const [content, mode] = typeof spec === 'string' ? [spec, 0o644] : spec;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content, { mode });
  }
  return dir;
}

let serial = 0;
export function meta(pack: string, over: Partial<ReleaseMeta> = {}): ReleaseMeta {
  serial++;
  return {
    pack,
    version: '1.0.0',
    repo: 'st2contrib',
    branch: 'master',
    commit: createHash('sha1').update(`commit-${serial}`).digest('hex'),
    deployed_by: 'console:alice',
    deploy_id: `d${serial}`,
    ...over,
  };
}

export async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

/** A clock that advances one second per call, so release names are predictable and ordered. */
export function steppingClock(start = Date.UTC(2024, 0, 2, 3, 4, 5, 678)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

/** Numbered pack sources under dir, each with a pack.yaml plus the given files. */
export function sourceMaker(dir: string): (files?: Record<string, string | [string, number]>) => Promise<string> {
  let n = 0;
  return (files = {}) => {
    n++;
    return writeTree(join(dir, String(n)), { 'pack.yaml': `name: demo\nversion: 1.0.${n}\n`, ...files });
  };
}

export async function rejection(promise: Promise<unknown>): Promise<PackbotError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(PackbotError);
  return err as PackbotError;
}

export async function code(promise: Promise<unknown>): Promise<string> {
  return (await rejection(promise)).code;
}

/** Every path under dir, symlinks with their targets, for "nothing changed" comparisons. */
export async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const out = await Promise.all(
    entries.map(async (e) => {
      const path = join(e.parentPath, e.name);
      return e.isSymbolicLink() ? `${path} -> ${await readlink(path)}` : path;
    }),
  );
  return out.sort();
}

export interface StoreFixture {
  tmp: string;
  packsDir: string;
  store: PackStore;
  source: (files?: Record<string, string | [string, number]>) => Promise<string>;
}

/** A fresh pack store in a temp dir for each test of the calling file (read its fields inside tests). */
export function useStoreFixture(prefix: string): StoreFixture {
  const fx = {} as StoreFixture;
  beforeEach(async () => {
    fx.tmp = await tempDir(prefix);
    fx.packsDir = join(fx.tmp, 'packs');
    fx.store = createPackStore({ packsDir: fx.packsDir, now: steppingClock() });
    fx.source = sourceMaker(join(fx.tmp, 'src'));
  });
  afterEach(async () => cleanup(fx.tmp));
  return fx;
}
