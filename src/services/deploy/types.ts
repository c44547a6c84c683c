import type { YamlPool } from '../../core/yaml-safe/index.js';
import type { Sandbox } from '../../domain/sandbox/index.js';
import type { Identity } from '../../core/identity.js';
import { randomBytes } from 'node:crypto';
import type { PackbotConfig } from '../../domain/config/index.js';
import type { Git } from '../../domain/git/index.js';
import type { Logger } from '../../core/logging/logger.js';
import type { Masker } from '../../core/masking/masker.js';
import type { ContentSummary } from '../../domain/packs/index.js';
import type { PackStore } from '../../domain/packstore/index.js';
import type { Resolution } from '../../domain/registry/resolve.js';
import type { HistoryStore } from '../../domain/store/history.js';
import type { PlannedRepository } from './resolve.js';
import type { Stage, StageClock } from './stage-clock.js';
import type { TurnFence } from './fence.js';


/**
 * Installs `specs` (dependencies a deploy lacks) from the registry as part of deploy `plan`,
 * on its clock (and behind its turn's fence); resolves to their results. Throws, installing
 * nothing, on any conflict.
 */
export type DependencyFetcher = (specs: string[], ctx: { clock: StageClock; plan: DeployPlan; fence?: TurnFence | undefined }) => Promise<PackResult[]>;

export interface DeployerDeps {
  /** Present when a registry is configured: missing dependencies come from it. */
  fetchDependencies?: DependencyFetcher;
  /** With fetchDependencies: what the registry would install for `specs`, installing nothing (a deploy's plan). */
  resolveDependencies?: (specs: readonly string[]) => Promise<Resolution>;
  config: PackbotConfig;
  git: Git;
  store: PackStore;
  history: HistoryStore;
  masker: Masker;
  logger: Logger;
  /** Workers for big YAML files; the app owns them and closes them when it stops. */
  yaml?: YamlPool;
  /**
   * packbot's own HTTP client (core/net/http-client: node:http with agents it owns, never the global
   * dispatcher a dependency installs), for indexes, archives and the register hook. The app owns it.
   */
  fetch?: typeof fetch;
  /** Confines pack code (source builds, tests); the app makes one. Absent: one from the config. */
  sandbox?: Sandbox;
  /** A queued turn's fence (fence.ts), set per deploy by the pipeline: checked before each side effect. */
  fence?: TurnFence;
}

/** Short enough to type in chat (`pack history`, `pack cancel`), random enough not to collide. */
export function newDeployId(): string {
  return randomBytes(4).toString('hex');
}

/**
 * A deploy as asked, in text: what a plan is made from (plan.ts), and what the queue held
 * before it held plans (coord/payload.ts reads those entries).
 */
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
  requestedBy: Identity;
  channel?: string;
  /** Recorded in history when packbot deploys on its own (an auto-revert). */
  note?: string;
  /** `install`: `packs` are registry specs (`slack=2.3.0,docker`), not directories of `repo`. */
  kind?: 'deploy' | 'install';
}

/**
 * One deploy (or install), resolved and checked once, then run as is: the queue stores it
 * and the pipeline executes it without looking anything up again. Plain JSON: no functions,
 * no credentials (the repository's are added from the config when it runs), nothing undefined.
 */
export interface DeployPlan {
  /** The deploy id: the queue entry's and the history record's. */
  id: string;
  kind: 'deploy' | 'install';
  /** Where it comes from, its default branch and settings. */
  repo: PlannedRepository;
  /** The branch, tag or commit to deploy (the repository's branch when none was asked); for an install, the registry. */
  ref: string;
  /** A deploy's pack directory names, empty for every pack on the ref; an install's registry specs (`slack=2.3.0`). */
  packs: string[];
  /** Asked for every pack ("all"), though `packs` may name them (the packs on the ref when it was queued). */
  all?: boolean;
  /**
   * A single-pack repository asked with one word and no ref (`pack deploy brdel feat-x`): the
   * word, with `packs` empty. Preflight reads it as the repository's pack or, failing that, as
   * the ref (single-pack.ts); a targeted plan has none, so it is never queued.
   */
  word?: string;
  /**
   * Each directory of `packs` → the pack ref it installs as, read when it was planned: the name
   * its queue entry, locks and permission checks used. The pipeline refuses a pack whose ref
   * has changed since. Absent in plans made without looking (older queue entries, pushes).
   */
  refs?: Record<string, string>;
  /**
   * Packs of another origin this request was permitted to replace: ref → the origin key
   * (permissions/ownership.ts) their active release had when checked. When present, the
   * pipeline refuses to replace any other pack of another origin (the owner changed meanwhile).
   */
  replaces?: Record<string, string>;
  /**
   * The commit `ref` named moments ago, for a deploy run right after its ref was resolved (the
   * CLI after its targets; a turn after its plan message): the pipeline deploys exactly it
   * instead of fetching again. Never queued: a turn may come after the branch has moved.
   */
  commit?: string;
  /** Redeploy an unchanged pack; replace a pack that came from elsewhere. */
  force: boolean;
  /** `<platform>:<user id>`, or who pushed (`github:alice`). */
  requestedBy: Identity;
  /** Recorded in history. */
  channel?: string;
  /** Recorded in history when packbot deploys on its own (an auto-revert, a push). */
  note?: string;
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

/** StackStorm's answer to a registration: how many it registered of each resource type ("actions": 12). */
export type RegisterCounts = Record<string, number>;

export interface DeployResult {
  deploy_id: string;
  repo: string;
  branch: string;
  commit: string | null;
  packs: PackResult[];
  /** Directories under packs/ that a deploy of every pack skipped: no pack.yaml, so not packs (`packs/<name>`). */
  not_packs?: string[];
  success_count: number;
  failure_count: number;
  duration_ms: number;
  stages: Partial<Record<Stage, number>>;
  /** A failure of the whole deploy (unknown repo, ref, dependencies), when there is one. */
  error: string | null;
  /** What StackStorm registered for the packs that went live (register.st2), when it was asked. */
  registered?: RegisterCounts;
}
