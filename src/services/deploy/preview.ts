/**
 * A deploy's plan before it runs ("plan, then apply"): for each pack, what is live now and what
 * the ref would put live, from the mirror and the pack store alone — no staging directory, no
 * install, nothing written but the mirror's fetch. The ref and packs are resolved as preflight
 * resolves them (with its suggestions for a typo); "unchanged" is the pipeline's own test
 * (prepare.ts); the component diff and the commits are the announcement's (components.ts,
 * commits.ts), so what the plan says is what the announcement reports after the deploy.
 */
import { mapBounded, packConcurrency } from '../../core/bounded.js';
import type { YamlPool } from '../../core/yaml-safe/index.js';
import { PackbotError } from '../../core/errors.js';
import type { Git } from '../../domain/git/index.js';
import { formatProblem } from '../../domain/packs/problems.js';
import type { Release } from '../../domain/packstore/index.js';
import { commitsSince, historyStart } from './commits.js';
import { compareComponents, emptyLists, envRebuild } from './components.js';
import type { PackSource } from './discover.js';
import { notPackPaths, splitPackTrees } from './not-packs.js';
import { manifestAt } from './pack-refs.js';
import { commitFiles, releaseFiles } from './pack-files.js';
import { preflight } from './preflight.js';
import { activeFor, isUnchanged, otherRepository } from './prepare.js';
import { previewDependencies, type PlannedPack } from './preview-deps.js';
import type { DeployPreview, PackPreview } from './preview-types.js';
import { askedAs, withCredentials, type ResolvedRepository } from './resolve.js';
import { errorText } from './result.js';
import type { DeployerDeps, DeployPlan } from './types.js';

/** A pack directory with its tree id (what "unchanged" compares). */
type Source = PackSource & { treeId: string };

interface At {
  git: Git;
  repo: ResolvedRepository;
  commit: string;
  plan: DeployPlan;
  installed: readonly Release[];
  /** Which environments packbot builds (envs.python, envs.node): only those are rebuilt. */
  envs: { python: boolean; node: boolean };
  yaml?: YamlPool;
}

/** The packs to look at, with their trees, and (for "all") the directories that are no packs. */
async function sourcesAt(at: Omit<At, 'installed' | 'plan'>, dirs: readonly string[], all: boolean): Promise<{ sources: Source[]; notPacks: string[] }> {
  const { git, repo, commit } = at;
  const trees = repo.subtree === false ? [] : await git.packTrees(repo.remote, commit);
  // As preflight and discover decide: a raw URL without packs/ is a root pack.
  if (repo.subtree === false || (repo.subtree === null && trees.length === 0)) {
    const name = dirs[0] ?? repo.name;
    return { sources: [{ name, path: '', treeId: await git.treeId(repo.remote, commit, '') }], notPacks: [] };
  }
  const treeOf = new Map(trees.map((t) => [t.name, t.treeId]));
  const sources = dirs.map((d) => ({ name: d, path: `packs/${d}`, treeId: treeOf.get(d) ?? '' }));
  return { sources, notPacks: all ? notPackPaths(splitPackTrees(trees).notPacks) : [] };
}

type Previewed = PackPreview & { planned: PlannedPack };

async function previewPack(at: At, source: Source): Promise<Previewed> {
  const { git, repo, commit, plan, installed } = at;
  // "Unchanged" as the pipeline judges it; else the release replaced is the one live under its ref.
  const current = activeFor(installed, repo.name, source);
  if (current && isUnchanged(current, repo.name, source.treeId, plan.force)) return unchangedPack(at, source, current);
  const read = await manifestAt({ git, remote: repo.remote, commit, ...(at.yaml ? { yaml: at.yaml } : {}) }, source.path, source.path === '' ? repo.name : source.name);
  const check = 'check' in read ? read.check : null;
  const ref = check?.ref ?? source.name;
  const manifest = check?.manifest ?? null;
  const version = manifest?.version ?? '0.0.0';
  const errors = check ? check.errors.map(formatProblem) : ['problem' in read ? read.problem : ''];
  const other = otherRepository(installed, ref, repo.name, plan.force);
  if (other && errors.length === 0) errors.push(other);
  const active = installed.find((r) => r.pack === ref) ?? null;
  const base = {
    pack: ref,
    source: source.path,
    from: active ? { version: active.meta.version, commit: active.meta.commit, branch: active.meta.branch, repo: active.meta.repo, release: active.release } : null,
    to: { version, commit, branch: plan.ref },
    unchanged: false,
    dependencies: [],
    warnings: check ? check.warnings.map(formatProblem) : [],
    errors,
    planned: { ref, version, dependencies: manifest?.dependencies ?? [], unchanged: false, failed: errors.length > 0 || !manifest },
  };
  const after = await commitFiles(git, repo.remote, commit, source.path);
  const before = active ? await releaseFiles(active.dir, after.format) : null;
  const history = await commitsSince(git, repo.remote, historyStart(active?.meta ?? null, repo.name), commit, source.path);
  const rebuild = envRebuild(before, after.files);
  return { ...base, ...compareComponents(before, after.files), envRebuild: { python: rebuild.python && at.envs.python, node: rebuild.node && at.envs.node }, ...history };
}

/**
 * A pack whose tree is the one its active release came from: that release says what it is (the
 * same tree, the same pack.yaml), so a redeploy of `all` does not read and parse every pack.yaml.
 */
function unchangedPack(at: At, source: Source, current: Release): Previewed {
  const meta = current.meta;
  const dependencies = Array.isArray(meta['dependencies']) ? (meta['dependencies'] as unknown[]).filter((d): d is string => typeof d === 'string') : [];
  return {
    pack: current.pack, source: source.path,
    from: { version: meta.version, commit: meta.commit, branch: meta.branch, repo: meta.repo, release: current.release },
    to: { version: meta.version, commit: at.commit, branch: at.plan.ref },
    unchanged: true, dependencies: [], warnings: [], errors: [],
    planned: { ref: current.pack, version: meta.version, dependencies, unchanged: true, failed: false },
    added: emptyLists(), removed: emptyLists(), changed: emptyLists(), envRebuild: { python: false, node: false }, commits: [], moreCommits: 0,
  };
}

/**
 * The plan of a deploy `plan` as it stands now. Throws what preflight throws (an unknown ref
 * or pack, with suggestions); an install plan has no repository to compare and is refused.
 */
export async function previewDeploy(deps: DeployerDeps, asked: DeployPlan): Promise<DeployPreview> {
  if (asked.kind !== 'deploy') {
    throw new PackbotError('usage', 'A plan is worked out for deploys from a repository only; an install shows what it would add with `pack deps`.');
  }
  const { git } = deps;
  const repo = withCredentials(deps.config, asked.repo);
  const yaml = deps.yaml ? { yaml: deps.yaml } : {};
  // "all" means every pack on the ref now, as a deploy of "all" takes them.
  const all = asked.packs.length === 0 || asked.all === true;
  const installed = await deps.store.list();
  const found = await preflight(git, repo, asked.ref, all ? [] : asked.packs, deps.yaml, async () => installed, asked.word);
  // A single-pack repository's word may have been read as the ref: the plan is of that ref.
  const plan = found.ref === asked.ref ? asked : { ...asked, ref: found.ref };
  const envs = { python: deps.config.envs.python !== 'off', node: deps.config.envs.node !== 'off' };
  const at: At = { git, repo, commit: found.commit, plan, installed, envs, ...yaml };
  const { sources, notPacks } = await sourcesAt(at, found.packs, all);
  const previewed = await mapBounded(sources, packConcurrency(), (s) => previewPack(at, s));
  const dependencies = await previewDependencies({
    packs: previewed.map((p) => p.planned), installed, repo: repo.name, describe: (err) => errorText(err, deps.masker),
    ...(deps.resolveDependencies ? { resolve: deps.resolveDependencies } : {}),
  });
  const packs = previewed.map(({ planned, ...p }) => ({ ...p, dependencies: dependencies.byPack.get(planned.ref) ?? [] }));
  return { repo: askedAs(repo), ref: plan.ref, commit: found.commit, packs, notPacks, problems: dependencies.problems, nothingToDo: packs.every((p) => p.unchanged) };
}
