import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExtractOptions } from '../../src/domain/archive/extract.js';

export const EXTRACT_LIMITS: ExtractOptions = { maxEntries: 100, maxBytes: 1 << 20, maxEntryBytes: 256 * 1024 };

/** A fresh temp dir with in/ (the archive is written to in/archive) and out/ (extracted into out/stage). */
export async function extractDirs(prefix: string): Promise<{ tmp: string; archive: string; out: string; dest: string }> {
  const tmp = await mkdtemp(path.join(tmpdir(), prefix));
  await mkdir(path.join(tmp, 'in'));
  await mkdir(path.join(tmp, 'out'));
  const out = path.join(tmp, 'out');
  return { tmp, archive: path.join(tmp, 'in', 'archive'), out, dest: path.join(out, 'stage') };
}
