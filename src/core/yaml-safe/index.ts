/**
 * Bounded YAML reading for files somebody else wrote (a pack's metadata, alias files): limits
 * on size, nesting, keys, values and alias expansion, each reported as one line that says
 * what to change; small files are parsed inline, big ones on a worker thread.
 */
import { DEFAULT_YAML_LIMITS, tooManyBytes, type YamlLimits } from './limits.js';
import { createYamlPool, type PoolOutcome, type YamlPool } from './pool.js';
import { readYamlDocuments, readYamlText, type YamlDocsRead, type YamlProblem, type YamlRead } from './read.js';

export { DEFAULT_YAML_LIMITS, tooManyBytes, type YamlLimits } from './limits.js';
export { YamlPlaces, type OutlineNode } from './outline.js';
export type { DuplicateKey, YamlDoc, YamlDocsRead, YamlProblem, YamlRead } from './read.js';
export { createYamlPool, type YamlPool, type YamlPoolOptions } from './pool.js';

/**
 * Files up to this many characters are parsed on the calling thread. Parsing costs a few
 * microseconds per token, so the worst file this size holds the event loop for some tens of
 * milliseconds; ordinary metadata (an action, a rule) is a few hundred bytes, a big workflow
 * a few KiB. Bigger files pay a round trip to a worker (about a millisecond).
 */
export const OFF_THREAD_ABOVE = 16 * 1024;

export interface ReadYamlOptions {
  limits?: YamlLimits;
  /**
   * The workers for big files: the app's (createApp makes one and closes it on stop). Without
   * one, a big file gets a worker of its own for that one parse.
   */
  pool?: YamlPool;
  offThreadAbove?: number;
}

/** Runs `job` on `pool`, or on a pool made for it and closed after. */
async function offThread(pool: YamlPool | undefined, job: Parameters<YamlPool['run']>[0]): Promise<PoolOutcome> {
  if (pool) return pool.run(job);
  const own = createYamlPool({ size: 1 });
  try {
    return await own.run(job);
  } finally {
    await own.close();
  }
}

/** One YAML document: its value and places, or the problem with it. */
export function readYaml(text: string, opts: ReadYamlOptions = {}): Promise<YamlRead> {
  return bounded('text', readYamlText, text, opts);
}

/** Every document of a multi-document file (`---` separated). */
export function readYamlDocs(text: string, opts: ReadYamlOptions = {}): Promise<YamlDocsRead> {
  return bounded('documents', readYamlDocuments, text, opts);
}

/**
 * `readYaml`'s result without a promise when the text is small enough to be read on this
 * thread (null when it is not): a pack is mostly files of a few hundred bytes, and the promise
 * hops of the async path cost a deploy of many packs more than reading them.
 */
export function readYamlNow(text: string, opts: Omit<ReadYamlOptions, 'pool'> = {}): YamlRead | null {
  return text.length <= (opts.offThreadAbove ?? OFF_THREAD_ABOVE) ? readYamlText(text, opts.limits ?? DEFAULT_YAML_LIMITS) : null;
}

/** Small files inline, big ones on a worker, each within `opts.limits`. */
async function bounded<T extends YamlRead | YamlDocsRead>(
  mode: 'text' | 'documents', inline: (text: string, limits: YamlLimits) => T, text: string, opts: ReadYamlOptions,
): Promise<T> {
  const limits = opts.limits ?? DEFAULT_YAML_LIMITS;
  if (text.length <= (opts.offThreadAbove ?? OFF_THREAD_ABOVE)) return inline(text, limits);
  const early = bytesProblem(text, limits);
  if (early) return { ok: false, problem: early } as T;
  const outcome = await offThread(opts.pool, { mode, text, limits });
  return (outcome.ok ? outcome.result : { ok: false, problem: poolProblem(outcome) }) as T;
}

/** Checked before the text is copied to a worker, not only in it. */
function bytesProblem(text: string, limits: YamlLimits): YamlProblem | null {
  const message = tooManyBytes(Buffer.byteLength(text, 'utf8'), limits);
  return message ? { kind: 'limit', message } : null;
}

function poolProblem(outcome: Exclude<PoolOutcome, { ok: true }>): YamlProblem {
  if (outcome.reason === 'budget') {
    return { kind: 'limit', message: `took over ${outcome.budgetMs / 1000} s to parse; packbot gives up on YAML this complex — simplify or split the file` };
  }
  return { kind: 'read', message: `packbot's YAML reader stopped while reading it (${outcome.detail})` };
}
