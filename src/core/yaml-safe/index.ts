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
export type { YamlDoc, YamlDocsRead, YamlProblem, YamlRead } from './read.js';
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
  /** Default: the process's shared pool (closeYamlWorkers() releases it). */
  pool?: YamlPool;
  offThreadAbove?: number;
}

// One pool for the process, as libuv has one thread pool: parsing holds no state, so apps
// sharing it (tests build several) cannot see each other, and closing it never fails a parse.
let shared: YamlPool | undefined;

/** Releases the shared pool's threads (an app calls this when it stops); parses in flight finish. */
export async function closeYamlWorkers(): Promise<void> {
  const pool = shared;
  shared = undefined;
  await pool?.close();
}

/** One YAML document: its value and places, or the problem with it. */
export async function readYaml(text: string, opts: ReadYamlOptions = {}): Promise<YamlRead> {
  const limits = opts.limits ?? DEFAULT_YAML_LIMITS;
  if (text.length <= (opts.offThreadAbove ?? OFF_THREAD_ABOVE)) return readYamlText(text, limits);
  const early = bytesProblem(text, limits);
  if (early) return { ok: false, problem: early };
  const outcome = await (opts.pool ?? (shared ??= createYamlPool())).run({ mode: 'text', text, limits });
  return outcome.ok ? (outcome.result as YamlRead) : { ok: false, problem: poolProblem(outcome) };
}

/** Every document of a multi-document file (`---` separated). */
export async function readYamlDocs(text: string, opts: ReadYamlOptions = {}): Promise<YamlDocsRead> {
  const limits = opts.limits ?? DEFAULT_YAML_LIMITS;
  if (text.length <= (opts.offThreadAbove ?? OFF_THREAD_ABOVE)) return readYamlDocuments(text, limits);
  const early = bytesProblem(text, limits);
  if (early) return { ok: false, problem: early };
  const outcome = await (opts.pool ?? (shared ??= createYamlPool())).run({ mode: 'documents', text, limits });
  return outcome.ok ? (outcome.result as YamlDocsRead) : { ok: false, problem: poolProblem(outcome) };
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
