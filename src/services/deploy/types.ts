import { randomBytes } from 'node:crypto';
import type { PackbotConfig } from '../../domain/config/index.js';
import type { Git } from '../../domain/git/index.js';
import type { Logger } from '../../core/logging/logger.js';
import type { Masker } from '../../core/masking/masker.js';
import type { ContentSummary } from '../../domain/packs/index.js';
import type { PackStore } from '../../domain/packstore/index.js';
import type { HistoryStore } from '../../domain/store/history.js';

/**
 * Installs `specs` (dependencies a deploy lacks) from the registry as part of deploy
 * `deployId`; resolves to their results. Throws, installing nothing, on any conflict.
 */
export type DependencyFetcher = (specs: string[], ctx: { clock: StageClockLike; deployId: string; request: DeployRequest }) => Promise<PackResult[]>;

/** The part of pipeline.ts's StageClock a fetcher uses (kept here to avoid an import cycle). */
export interface StageClockLike {
  run<T>(stage: Stage, work: () => Promise<T>, pack?: string, failure?: (result: T) => string | null): Promise<T>;
}

export interface DeployerDeps {
  /** Present when a registry is configured: missing dependencies come from it. */
  fetchDependencies?: DependencyFetcher;
  config: PackbotConfig;
  git: Git;
  store: PackStore;
  history: HistoryStore;
  masker: Masker;
  logger: Logger;
}

/** Short enough to type in chat (`pack history`, `pack cancel`), random enough not to collide. */
export function newDeployId(): string {
  return randomBytes(4).toString('hex');
}

export type Stage =
  | 'resolve' | 'fetch' | 'discover' | 'validate' | 'dependencies' | 'env' | 'test' | 'install' | 'register' | 'record';

export const STAGES: readonly Stage[] = ['resolve', 'fetch', 'discover', 'validate', 'dependencies', 'env', 'test', 'install', 'register', 'record'];

export interface DeployRequest {
  /** The deploy id (the queue entry's); a new one when absent. */
  id?: string;
  /** A name from `repositories:` (or a URL when allow_urls is on). */
  repo: string;
  /** Pack names, or empty / `all` / `*` for every pack on the ref. */
  packs: string;
  /** Branch, tag or commit; empty = the repository's configured branch. */
  ref?: string;
  force?: boolean;
  /** `<platform>:<user id>` */
  requestedBy: string;
  channel?: string;
  /** Recorded in history when packbot deploys on its own (an auto-revert). */
  note?: string;
  /** `install`: `packs` are registry specs (`slack=2.3.0,docker`), not directories of `repo`. */
  kind?: 'deploy' | 'install';
}

export interface ProgressEvent {
  stage: Stage;
  status: 'start' | 'done' | 'failed' | 'skipped';
  pack?: string;
  detail?: string;
  elapsedMs?: number;
}

export type PackStatus = 'deployed' | 'unchanged' | 'failed' | 'rolled_back';

export interface PackResult {
  pack: string;
  /** The directory name in the repository (differs from the ref for some repos). */
  source: string;
  status: PackStatus;
  version: string | null;
  release: string | null;
  previous_release: string | null;
  components: ContentSummary | null;
  warnings: string[];
  error: string | null;
}

export interface DeployResult {
  deploy_id: string;
  repo: string;
  branch: string;
  commit: string | null;
  packs: PackResult[];
  success_count: number;
  failure_count: number;
  duration_ms: number;
  stages: Partial<Record<Stage, number>>;
  /** A failure of the whole deploy (unknown repo, ref, dependencies), when there is one. */
  error: string | null;
}
