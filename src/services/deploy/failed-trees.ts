/**
 * A memory of pack trees that failed validation, kept under `<state_dir>/failed-trees/`.
 * A git tree id names its content exactly, so a pack whose tree failed before fails again the
 * same way: a redeploy of `all` with one broken, unchanged pack reports the same problems
 * without writing the pack out and validating it again (that was nearly all of a warm `all`).
 *
 * Keyed by the tree, the name it is validated under (its ref may derive from the directory),
 * strictness, and the validator's version (packbot's version and VALIDATOR_REVISION), so a
 * packbot whose rules changed judges the tree afresh. Only the validator's verdict is kept:
 * what depends on the pack store (another repository's pack of the same ref) is checked anew
 * each time. It is a cache: an unreadable or odd entry is a miss; `force` ignores it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../../core/package-root.js';
import type { PackCheck } from '../../domain/packs/index.js';

/** Bump when src/domain/packs' rules change within one packbot version (development builds). */
export const VALIDATOR_REVISION = 1;
/** Entries kept; beyond that the oldest go (each is a few hundred bytes). */
const KEPT = 1000;

const stored = z.object({
  ref: z.string().nullable(),
  manifest: z.record(z.string(), z.unknown()).nullable(),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
  summary: z.object({
    actions: z.array(z.string()), rules: z.array(z.string()), sensors: z.array(z.string()), aliases: z.array(z.string()),
    policies: z.array(z.string()), tests: z.boolean(), requirements: z.boolean(), packageJson: z.boolean(), configSchema: z.boolean(),
  }),
});

export interface TreeKey {
  treeId: string;
  /** The directory name the pack was validated under. */
  dirName: string;
  strict: boolean;
}

export class FailedTrees {
  private version: string | undefined;
  private writes = 0;

  constructor(private readonly dir: string) {}

  /** The failed check remembered for this tree, or null. `dir` is the staging dir it would have had. */
  async recall(key: TreeKey, dir: string): Promise<PackCheck | null> {
    if (key.treeId === '') return null;
    const file = this.file(key);
    // Nearly every lookup misses (a cold deploy: every pack); a failed read costs an error
    // object and a thread-pool round trip, a stat of a missing file a few microseconds.
    if (absent(file)) return null;
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return null;
    }
    const found = stored.safeParse(parsed);
    return found.success ? ({ ...found.data, dir } as PackCheck) : null;
  }

  /** Remembers a check that failed; a failure to write only costs a validation next time. */
  async remember(key: TreeKey, check: PackCheck): Promise<void> {
    if (key.treeId === '' || check.errors.some(circumstantial)) return;
    const { ref, manifest, errors, warnings, summary } = check;
    const file = this.file(key);
    const tmp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
    try {
      await mkdir(this.dir, { recursive: true });
      // Written aside and renamed: a reader never sees half an entry.
      await writeFile(tmp, JSON.stringify({ ref, manifest, errors, warnings, summary }));
      await rename(tmp, file);
    } catch {
      await rm(tmp, { force: true }).catch(() => undefined);
      return;
    }
    if (++this.writes % 100 === 1) await this.prune().catch(() => undefined);
  }

  private file(key: TreeKey): string {
    this.version ??= packbotVersion();
    const id = createHash('sha256').update(JSON.stringify([this.version, VALIDATOR_REVISION, key.treeId, key.dirName, key.strict])).digest('hex');
    return path.join(this.dir, `${id}.json`);
  }

  /** The oldest entries beyond KEPT. */
  private async prune(): Promise<void> {
    const names = (await readdir(this.dir)).filter((n) => n.endsWith('.json'));
    if (names.length <= KEPT) return;
    const aged = await Promise.all(names.map(async (n) => ({ n, t: (await stat(path.join(this.dir, n)).catch(() => null))?.mtimeMs ?? 0 })));
    aged.sort((a, b) => a.t - b.t);
    await Promise.all(aged.slice(0, names.length - KEPT).map((e) => rm(path.join(this.dir, e.n), { force: true })));
  }
}

/** Surely not there; anything odd (a permission) is left to the read, which treats it as a miss. */
function absent(file: string): boolean {
  try {
    return statSync(file, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}

/** Problems of this process's moment (a parse past its time budget, a worker lost), not of the tree. */
function circumstantial(error: string): boolean {
  return /took over [\d.]+ s to parse|YAML reader stopped/.test(error);
}

function packbotVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function failedTreesDir(stateDir: string): string {
  return path.join(stateDir, 'failed-trees');
}
