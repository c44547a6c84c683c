/**
 * Packs: pack.yaml and content validation (faithful to StackStorm), the safety walk, content
 * summaries and their diff, pack configuration, and dependency planning.
 */
export type { PackCheck, ValidateOptions } from './validate.js';
export type { PackManifest } from './manifest.js';
export type { ContentSummary, ContentKind, SummaryDiff } from './summary.js';
export type { DependencySpec, DeployingPack, DependencyPlan, PlanInput } from './dependencies.js';
export type { PackConfigCheck } from './config.js';
export type { WalkLimits } from './walk.js';
export { validatePackDir, assertValid } from './validate.js';
export { summarizePack, summarizeFiles, diffSummaries, CONTENT_KINDS } from './summary.js';
export { checkPackConfig } from './config.js';
export { parseDependency, planDependencies, assertDependencies, normalizeVersion, DEFAULT_BUILTINS, PACK_REF_RE } from './dependencies.js';
export { RESERVED_REFS, SYSTEM_REFS } from './manifest.js';
export { DEFAULT_LIMITS } from './walk.js';
