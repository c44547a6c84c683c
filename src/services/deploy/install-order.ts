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
 * the more packs reach the flush together the fewer flushes. Environments and tests inside it
 * run one at a time regardless (activate.ts).
 */
export const INSTALL_CONCURRENCY = 8;

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
 * `install` over `order` (dependencies first, as the dependencies stage gives it), at most a
 * few at once, each after its `needs` settled; results in `order`. `install` never throws
 * (a failed pack is a result). Waiting cannot deadlock: a pack's dependencies come before it
 * in `order`, so they were started before it.
 */
export async function installInOrder<R>(order: readonly string[], needs: (ref: string) => string[], install: (ref: string) => Promise<R>): Promise<R[]> {
  const settled = new Map<string, Promise<unknown>>();
  const finish = new Map<string, () => void>();
  for (const ref of order) settled.set(ref, new Promise<void>((resolve) => finish.set(ref, resolve)));
  return mapBounded(order, INSTALL_CONCURRENCY, async (ref) => {
    await Promise.all(needs(ref).map((d) => settled.get(d)));
    try {
      return await install(ref);
    } finally {
      finish.get(ref)?.();
    }
  });
}
