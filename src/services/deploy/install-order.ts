/**
 * The install stage's schedule: packs go live a few at a time, each only once the packs it
 * depends on (in this deploy) have gone live or failed, so a dependency is never live after
 * its dependant, while unrelated packs overlap their copying and fsyncs (one at a time, a
 * hundred packs spent most of a cold deploy waiting on the disk).
 */
import { mapBounded } from '../../core/bounded.js';
import { parseDependency } from '../../domain/packs/index.js';
import { refOf } from './dependency-check.js';
import type { PreparedPack } from './prepare.js';

/**
 * Packs going live at once. Not packConcurrency() (the cores): going live is a string of small
 * file-system steps and one shared flush (packstore/fs-sync.ts), waits rather than work, and
 * the more packs reach the flush together the fewer flushes: flushes run one after another, so
 * their number bounds the stage. 1,000 small packs: 8 at once made ~500 flushes (2.2-2.9 s),
 * 64 at once 50-80 (1.2-1.7 s). Environments and tests inside it run one at a time regardless
 * (activate.ts); where the flush is missing, the per-file fsyncs are bounded on their own (fs-sync.ts).
 */
export const INSTALL_CONCURRENCY = 64;

/**
 * Packs going live at once when environments or tests run inside their releases: those run one
 * at a time, each pack holding its lock meanwhile (another packbot waits on it), so dozens in
 * line would only hold dozens of locks for as long as the envs before them take.
 */
export const SETUP_CONCURRENCY = 8;

/** Runs the functions it is given one after another, whoever calls. */
export type Serial = <T>(fn: () => Promise<T>) => Promise<T>;

export function serial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** The refs of this deploy's packs that `p` depends on. */
export function needsOf(p: PreparedPack, deploying: ReadonlyMap<string, PreparedPack>): string[] {
  const needs: string[] = [];
  for (const raw of p.check?.manifest?.dependencies ?? []) {
    try {
      const { ref } = parseDependency(raw);
      if (ref !== refOf(p) && deploying.has(ref)) needs.push(ref);
    } catch {
      // An unparsable dependency stopped the deploy at the dependencies stage already.
    }
  }
  return needs;
}

/**
 * `install` over `order` (dependencies first, as the dependencies stage gives it), at most
 * `limit` at once, each after its `needs` settled; results in `order`. `install` never throws
 * (a failed pack is a result). Waiting cannot deadlock: a pack's dependencies come before it
 * in `order`, so they were started before it.
 */
export async function installInOrder<R>(
  order: readonly string[],
  needs: (ref: string) => string[],
  install: (ref: string) => Promise<R>,
  limit: number = INSTALL_CONCURRENCY,
): Promise<R[]> {
  const settled = new Map<string, Promise<unknown>>();
  const finish = new Map<string, () => void>();
  for (const ref of order) settled.set(ref, new Promise<void>((resolve) => finish.set(ref, resolve)));
  return mapBounded(order, limit, async (ref) => {
    await Promise.all(needs(ref).map((d) => settled.get(d)));
    try {
      return await install(ref);
    } finally {
      finish.get(ref)?.();
    }
  });
}
