/**
 * Reads a .tar.gz with node-tar's Parser only: node-tar's Unpack would make its own choices
 * (stripping "..", dropping leading "/", replacing links), and a silently rewritten archive is
 * not the archive the pack's author shipped. Every entry goes through our own rules instead.
 *
 * Decompression is done here, not by the Parser, so the bytes coming out of gzip can be capped:
 * without that, a small gzip of zeros past the tar's end-of-archive marker would still be
 * inflated to the end.
 */
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { errorMessage } from '../../core/caught.js';
import type { EntryType, ExtractLimits, RawEntry } from './entries.js';
import { refuse, showName } from './entries.js';

export type EntryHandler = (raw: RawEntry, body: AsyncIterable<Uint8Array>) => Promise<void>;

const TAR_TYPES: Record<string, EntryType> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'dir',
  SymbolicLink: 'symlink',
  Link: 'hardlink',
  CharacterDevice: 'chardev',
  BlockDevice: 'blockdev',
  FIFO: 'fifo',
};

function toRaw(entry: ReadEntry): RawEntry {
  const type = TAR_TYPES[entry.type] ?? 'other';
  return {
    name: entry.path,
    type,
    declaredSize: entry.size ?? 0,
    executable: ((entry.mode ?? 0) & 0o111) !== 0,
    ...(entry.linkpath ? { linkTarget: entry.linkpath } : {}),
  };
}

/** Headers, padding and pax records on top of the file bytes; generous for real archives. */
function streamCap(limits: ExtractLimits): number {
  return limits.maxBytes + (limits.maxEntries + 4) * 4096 + 20 * 512;
}

function unwrap(err: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  return err;
}

function corrupt(err: unknown): Error {
  const detail = errorMessage(err);
  return refuse(`archive is not a valid .tar.gz (${detail.split('\n')[0] ?? ''}); check the URL points at a release tarball`);
}

/** Calls `onEntry` for every entry in order; the first failure stops the read and is thrown. */
export async function walkTarGz(file: string, limits: ExtractLimits, onEntry: EntryHandler): Promise<void> {
  const controller = new AbortController();
  const { signal } = controller;
  const failWith = (err: unknown): void => {
    if (!signal.aborted) controller.abort(err);
  };
  // strict: node-tar otherwise downgrades bad checksums and truncation to warnings and moves on.
  const parser = new Parser({ strict: true, maxMetaEntrySize: 256 * 1024 });
  let chain: Promise<void> = Promise.resolve();

  parser.on('entry', (entry: ReadEntry) => {
    chain = chain
      .then(() => {
        signal.throwIfAborted();
        return onEntry(toRaw(entry), entry);
      })
      .catch((err: unknown) => {
        failWith(err);
      })
      .finally(() => {
        // Unread data would stall the parser, which waits for each entry to end.
        entry.resume();
      });
  });
  // Unknown types and over-long pax records are skipped by node-tar; skipping is not ours to do.
  parser.on('ignoredEntry', (entry: ReadEntry) => {
    failWith(refuse(`archive entry ${showName(entry.path)} has an unsupported type (${entry.type}); the archive is refused`));
  });
  parser.on('error', (err: unknown) => failWith(corrupt(err)));
  const ended = once(parser, 'end', { signal });
  ended.catch(() => undefined);

  const cap = streamCap(limits);
  let inflated = 0;
  try {
    await pipeline(
      createReadStream(file),
      createGunzip(),
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) {
          inflated += chunk.length;
          if (inflated > cap) {
            // Through the signal, not a throw: leaving the loop early makes the stream's own
            // AbortError race ours to be pipeline's reported error.
            failWith(refuse(`archive decompresses to more than ${cap} bytes, past the caps; the archive is refused`));
          }
          signal.throwIfAborted();
          if (!parser.write(chunk)) await once(parser, 'drain', { signal });
          signal.throwIfAborted();
        }
        parser.end();
        await ended;
        await chain;
        signal.throwIfAborted();
      },
      { signal },
    );
  } catch (err) {
    const cause = unwrap(err, signal);
    if (cause instanceof Error && 'code' in cause && typeof cause.code === 'string' && cause.code.startsWith('Z_')) {
      throw corrupt(cause);
    }
    throw cause;
  }
}
