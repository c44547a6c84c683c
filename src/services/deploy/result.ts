/**
 * How a deploy's (or an install's) outcome is written down: each pack's result, the counts,
 * the one-word outcome, and error text fit to show (masked, no stack). Shared by the pipeline,
 * the installer, history and metrics, so they can never disagree about what happened.
 */
import { isPackbotError } from '../../core/errors.js';
import { fsErrorText } from '../../core/fs/errno-text.js';
import type { Masker } from '../../core/masking/masker.js';
import type { PreparedPack } from './prepare.js';
import type { Stage } from './stage-clock.js';
import type { DeployResult, PackResult, RegisterCounts } from './types.js';

/**
 * An error as users see it: a PackbotError with its details, a refused file-system call as
 * one line with its path and fix (never Node's `EACCES: permission denied, …`), anything
 * else by its message; masked.
 */
export function errorText(err: unknown, masker: Masker): string {
  return masker.mask(isPackbotError(err) ? err.describe() : fsErrorText(err) ?? (err instanceof Error ? err.message : String(err)));
}

/** A prepared pack's result as it stands; `extra` adds what later stages learnt (release, warnings). */
export function toResult(p: PreparedPack, extra: Partial<PackResult> = {}): PackResult {
  return {
    pack: p.check?.ref ?? p.active?.pack ?? p.source.name,
    source: p.source.name,
    status: p.error ? 'failed' : p.unchanged ? 'unchanged' : 'deployed',
    version: p.check?.manifest?.version ?? p.active?.meta.version ?? null,
    release: p.unchanged ? (p.active?.release ?? null) : null,
    previous_release: p.active?.release ?? null,
    components: p.check?.summary ?? null,
    warnings: p.check?.warnings ?? [],
    error: p.error,
    ...extra,
  };
}

export interface Finished {
  id: string;
  repo: string;
  branch: string;
  commit: string | null;
  packs: PackResult[];
  /** Directories skipped as no packs (`packs/<name>`), for "all". */
  notPacks?: string[];
  started: Date;
  stages: Partial<Record<Stage, number>>;
  error: string | null;
  /** StackStorm's counts, when register.st2 registered the packs. */
  registered?: RegisterCounts | undefined;
}

/** The result of a run that started at `started` and ends now. */
export function finishResult(f: Finished): DeployResult {
  return {
    deploy_id: f.id,
    repo: f.repo,
    branch: f.branch,
    commit: f.commit,
    packs: f.packs,
    ...(f.notPacks && f.notPacks.length > 0 ? { not_packs: f.notPacks } : {}),
    success_count: f.packs.filter((p) => p.status === 'deployed' || p.status === 'unchanged').length,
    failure_count: f.packs.filter((p) => p.status === 'failed' || p.status === 'rolled_back').length,
    duration_ms: Date.now() - f.started.getTime(),
    stages: f.stages,
    error: f.error,
    ...(f.registered ? { registered: f.registered } : {}),
  };
}

/** Counts of registrations made one after another (an install registers each pack as it goes live). */
export function sumCounts(a: RegisterCounts | undefined, b: RegisterCounts): RegisterCounts {
  const out: RegisterCounts = { ...a };
  for (const [type, n] of Object.entries(b)) out[type] = (out[type] ?? 0) + n;
  return out;
}

export type Outcome = 'failure' | 'partial' | 'success';

/** Failure: the whole run failed, or no pack made it; partial: some did. */
export function outcome(result: DeployResult): Outcome {
  if (result.error !== null || (result.failure_count > 0 && result.success_count === 0)) return 'failure';
  return result.failure_count > 0 ? 'partial' : 'success';
}
