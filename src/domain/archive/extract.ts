/**
 * Unpacks a downloaded pack archive into an empty staging directory, in-process (no tar or unzip
 * binary, no shell).
 *
 * Two passes: the first reads every header and applies every rule without writing a byte, so a
 * hostile archive is usually refused with nothing on disk; the second writes, re-checking the
 * same rules and counting the real decompressed bytes, since headers can lie. If the second pass
 * fails anyway, everything it wrote is removed. Symlinks are judged on the whole listing
 * (a target may come later in the archive) and unpacked as links, never followed.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { createLedger, refuse, type ExtractLimits } from './entries.js';
import { clearDest, createEntryWriter, prepareDest } from './entry-writer.js';
import type { EntryHandler } from './tar.js';

export type ArchiveKind = 'tar.gz' | 'zip';

export interface ExtractOptions extends ExtractLimits {
  /** Expected format; the file's magic bytes must agree. Omitted: taken from the magic bytes. */
  kind?: ArchiveKind;
}

export interface ExtractResult {
  files: number;
  bytes: number;
  /** The archive's single top-level directory (as in GitHub's `repo-1.2.3/`), else dest. */
  root: string;
}

/** Suggested caps for a StackStorm pack; callers may pass their own. */
export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxEntries: 5_000,
  maxBytes: 100 * 1024 * 1024,
  maxEntryBytes: 20 * 1024 * 1024,
};

async function sniff(file: string): Promise<ArchiveKind | undefined> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
    // Local file header, or the end record of an empty zip.
    if (bytesRead === 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) return 'zip';
    return undefined;
  } finally {
    await handle.close();
  }
}

async function detectKind(file: string, declared: ArchiveKind | undefined): Promise<ArchiveKind> {
  const found = await sniff(file);
  if (found === undefined) {
    throw refuse('archive is neither a .tar.gz nor a .zip (unrecognised leading bytes); check the URL points at the pack archive');
  }
  if (declared !== undefined && declared !== found) {
    throw refuse(`archive was expected to be a .${declared} but is a .${found}; fix the archive kind or the URL`);
  }
  return found;
}

/** The readers load with the first archive: node-tar and yauzl are start-up time every git-only command would pay. */
async function walk(kind: ArchiveKind, file: string, limits: ExtractLimits, onEntry: EntryHandler, withBodies: boolean): Promise<void> {
  if (kind === 'zip') return (await import('./zip.js')).walkZip(file, limits, onEntry, withBodies);
  return (await import('./tar.js')).walkTarGz(file, limits, onEntry);
}

function checkLimits(limits: ExtractLimits): void {
  for (const key of ['maxEntries', 'maxBytes', 'maxEntryBytes'] as const) {
    const value = limits[key];
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw refuse(`archive limit ${key} must be a positive integer, not ${String(value)}; fix the archive limits`);
    }
  }
}

export async function extractArchive(file: string, dest: string, opts: ExtractOptions): Promise<ExtractResult> {
  const limits: ExtractLimits = { maxEntries: opts.maxEntries, maxBytes: opts.maxBytes, maxEntryBytes: opts.maxEntryBytes };
  checkLimits(limits);
  const target = path.resolve(dest);
  const kind = await detectKind(file, opts.kind);

  const listing = createLedger(limits);
  await walk(kind, file, limits, async (raw) => void listing.admit(raw), false);
  if (listing.files === 0) {
    throw refuse('archive holds no files; check the URL points at the pack archive');
  }
  listing.checkLinks();

  const created = await prepareDest(target);
  const ledger = createLedger(limits);
  const writer = createEntryWriter(target, limits);
  try {
    await walk(
      kind,
      file,
      limits,
      async (raw, body) => {
        const entry = ledger.admit(raw);
        if (entry === undefined) return;
        if (entry.type === 'dir') await writer.dir(entry);
        else if (entry.type === 'link') await writer.link(entry);
        else await writer.file(entry, body);
      },
      true,
    );
    if (ledger.files !== listing.files) {
      throw refuse('archive changed between reads; download it again into a fresh staging directory');
    }
    // The links written are those of this read: judged again, so a changed archive cannot slip one in.
    ledger.checkLinks();
  } catch (err) {
    await clearDest(target, created);
    throw err;
  }
  const top = ledger.topDir();
  return { files: ledger.files, bytes: writer.bytes, root: top === undefined ? target : path.join(target, top) };
}
