/**
 * A deploy's plan (services/deploy/preview-types.ts) as people read it: one line per pack —
 * "*docker* 1.2.0 → 1.3.0 (a1b2c3d → d4e5f6a): +2 actions, ~1 rule, −1 sensor; requirements
 * changed (env rebuilt); installs dependency *utils* 0.3.0; 4 commits" — a summary line for big
 * requests, and the commits behind each pack for a thread or `pack diff`.
 *
 * Pure, and platform-neutral: a line is a list of runs, some of them strong, so each
 * platform's template writes bold its own way (`{{bold text}}`) and nothing else in the
 * text is markup. Nothing here names a server path: the plan holds none.
 */
import type { DeployPreview, PackPreview, PreviewKind } from '../../services/deploy/preview-types.js';
import { shortSha } from './format.js';

/** A piece of a line; `strong` ones are names (a pack, a dependency) shown in bold. */
export interface Run {
  text: string;
  strong?: true;
}

/** Packs a prompt shows line by line; a bigger request gets a summary line, its lines in the thread. */
export const PLAN_INLINE_MAX = 5;

const KINDS: readonly PreviewKind[] = ['actions', 'rules', 'sensors', 'aliases'];
const NOUN: Record<PreviewKind, [string, string]> = { actions: ['action', 'actions'], rules: ['rule', 'rules'], sensors: ['sensor', 'sensors'], aliases: ['alias', 'aliases'] };

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "+2 actions, ~1 rule, −1 sensor": added, changed, removed, each kind in a fixed order. */
export function componentChanges(p: Pick<PackPreview, 'added' | 'changed' | 'removed'>): string {
  const parts: string[] = [];
  for (const [sign, lists] of [['+', p.added], ['~', p.changed], ['−', p.removed]] as const) {
    for (const kind of KINDS) {
      const n = lists[kind].length;
      if (n > 0) parts.push(`${sign}${count(n, ...NOUN[kind])}`);
    }
  }
  return parts.join(', ');
}

function envText(env: PackPreview['envRebuild']): string | null {
  if (env.python && env.node) return 'requirements and package.json changed (envs rebuilt)';
  if (env.python) return 'requirements changed (env rebuilt)';
  if (env.node) return 'package.json changed (node env rebuilt)';
  return null;
}

/** Where the pack is and where it goes: "1.2.0 → 1.3.0 (a1b2c3d → d4e5f6a)", "1.3.0 (new, d4e5f6a)". */
function movement(p: PackPreview, repo: string): string {
  const { from, to } = p;
  if (!from) return `${to.version} (new, ${shortSha(to.commit)})`;
  const version = from.version === to.version ? to.version : `${from.version} → ${to.version}`;
  // The branch only when it moves (a lock is taken or given back), the repository only when it changes hands.
  const moves = from.branch !== null && from.branch !== to.branch;
  const before = `${shortSha(from.commit)}${moves ? ` ${from.branch}` : ''}${from.repo !== repo ? ` of ${from.repo}` : ''}`;
  return `${version} (${before} → ${shortSha(to.commit)}${moves ? ` ${to.branch}` : ''})`;
}

/**
 * One pack's line. `force`: the request redeploys unchanged packs too, so an unchanged pack
 * says it will be redeployed rather than left alone.
 */
export function packLine(p: PackPreview, opts: { repo: string; force?: boolean }): Run[] {
  const runs: Run[] = [{ text: p.pack, strong: true }];
  if (p.unchanged) {
    const at = p.from ? ` (${p.from.version}, ${shortSha(p.from.commit)})` : '';
    runs.push({ text: ` unchanged${at}${opts.force ? ', redeployed (force)' : ''}` });
    if (p.warnings.length > 0) runs.push({ text: `; ${count(p.warnings.length, 'warning')}` });
    return runs;
  }
  runs.push({ text: ` ${movement(p, opts.repo)}` });
  // Each segment: its runs. Joined as ": a; b; c".
  const segments: Run[][] = [];
  // What would stop it comes first: it is what the reader must not miss.
  if (p.errors.length > 0) segments.push([{ text: `✗ would be refused: ${refusal(p.errors)}` }]);
  const changes = componentChanges(p);
  if (changes) segments.push([{ text: changes }]);
  const env = envText(p.envRebuild);
  if (env) segments.push([{ text: env }]);
  for (const d of p.dependencies) {
    const where = d.source === 'registry' ? ' from the registry' : '';
    segments.push(d.from === null
      ? [{ text: 'installs dependency ' }, { text: d.pack, strong: true }, { text: ` ${d.to}${where}` }]
      : [{ text: 'upgrades dependency ' }, { text: d.pack, strong: true }, { text: ` ${d.from} → ${d.to}${where}` }]);
  }
  const commits = p.commits.length + p.moreCommits;
  if (commits > 0) segments.push([{ text: count(commits, 'commit') }]);
  if (p.warnings.length > 0) segments.push([{ text: count(p.warnings.length, 'warning') }]);
  if (segments.length === 0) {
    // Its active release's own commit, yet not "unchanged": force (or an old release that never recorded its tree).
    const same = p.from !== null && p.from.commit === p.to.commit && p.from.repo === opts.repo;
    segments.push([{ text: same ? 'same commit, redeployed' : 'other files changed' }]);
  }
  segments.forEach((s, i) => runs.push({ text: i === 0 ? ': ' : '; ' }, ...s));
  return merge(runs);
}

/** One short problem as it is; several (or a long one) counted: the full list is in `pack diff`. */
function refusal(errors: readonly string[]): string {
  const [only] = errors;
  return errors.length === 1 && only !== undefined && only.length <= 120 && !only.includes('\n') ? only : count(errors.length, 'problem');
}

/** Multi-line text kept visually under the line it belongs to. */
const indented = (text: string) => text.replace(/\n/g, '\n     ');

/** Adjacent plain runs as one: fewer pieces for a template to walk. */
function merge(runs: Run[]): Run[] {
  const out: Run[] = [];
  for (const r of runs) {
    const last = out.at(-1);
    if (last && !last.strong && !r.strong) last.text += r.text;
    else out.push({ ...r });
  }
  return out;
}

/** The line as plain text (logs, tests, the JSON-less CLI reader): names unmarked. */
export function plainLine(runs: readonly Run[]): string {
  return runs.map((r) => r.text).join('');
}

/** Whether deploying this plan does nothing: every pack unchanged, and nothing forces a redeploy. */
export function nothingToDo(preview: DeployPreview, force: boolean): boolean {
  return preview.nothingToDo && !force;
}

/**
 * The whole plan in a line: "2 of 3 packs to deploy, 1 unchanged; installs 1 dependency;
 * 1 env rebuilt; 6 commits". What a big request's prompt shows, and the head of `pack diff`.
 */
export function planSummary(preview: DeployPreview, force = false): string {
  const packs = preview.packs;
  if (packs.length === 0) return 'no packs';
  const changing = packs.filter((p) => !p.unchanged).length;
  const same = packs.length - changing;
  const parts: string[] = [];
  if (changing === 0) {
    const all = packs.length === 1 ? 'the pack is' : `all ${packs.length} packs are`;
    parts.push(force ? `${all} unchanged, redeployed (force)` : `nothing to do: ${all} unchanged`);
  } else if (same === 0) parts.push(`${count(packs.length, 'pack')} to deploy`);
  else parts.push(`${changing} of ${packs.length} packs to deploy, ${same} unchanged`);
  const deps = packs.flatMap((p) => p.dependencies);
  const installs = deps.filter((d) => d.from === null).length;
  if (installs > 0) parts.push(`installs ${count(installs, 'dependency', 'dependencies')}`);
  if (deps.length > installs) parts.push(`upgrades ${count(deps.length - installs, 'dependency', 'dependencies')}`);
  const envs = packs.filter((p) => !p.unchanged && (p.envRebuild.python || p.envRebuild.node)).length;
  if (envs > 0) parts.push(`${count(envs, 'env')} rebuilt`);
  const commits = packs.reduce((n, p) => n + p.commits.length + p.moreCommits, 0);
  if (commits > 0) parts.push(count(commits, 'commit'));
  const warnings = packs.reduce((n, p) => n + p.warnings.length, 0);
  if (warnings > 0) parts.push(count(warnings, 'warning'));
  const refused = packs.filter((p) => p.errors.length > 0).length;
  if (refused > 0) parts.push(`${count(refused, 'pack')} would be refused`);
  if (preview.problems.length > 0) parts.push('its dependencies would stop it');
  return parts.join('; ');
}

/** Packs that change first (they are what the reader confirms), then the unchanged, each in plan order. */
function ordered(packs: readonly PackPreview[]): PackPreview[] {
  return [...packs.filter((p) => !p.unchanged), ...packs.filter((p) => p.unchanged)];
}

/**
 * What a prompt (or a deploy's message) carries: the pack lines when there are few, else
 * the summary line alone, with `thread` set: the lines go to the message's thread.
 */
export function promptPlanView(preview: DeployPreview, opts: { force?: boolean; inlineMax?: number } = {}) {
  const max = opts.inlineMax ?? PLAN_INLINE_MAX;
  const big = preview.packs.length > max;
  const line = (p: PackPreview) => ({ runs: packLine(p, { repo: preview.repo, force: opts.force ?? false }) });
  return {
    summary: big ? planSummary(preview, opts.force) : '',
    lines: big ? [] : ordered(preview.packs).map(line),
    thread: big,
    // Whatever would stop the whole deploy, said even in a summary.
    problems: preview.problems.map(indented),
    commit: shortSha(preview.commit),
  };
}

/** Commits behind each pack shown under it; past this they are counted. */
const COMMITS_SHOWN = 5;

/**
 * The plan in full, for `pack diff`, the CLI and a big prompt's thread: every pack's line,
 * the commits behind it (the first few, then a count) and its warnings.
 */
export function planDetailsView(preview: DeployPreview, opts: { force?: boolean; commitsShown?: number } = {}) {
  const shown = opts.commitsShown ?? COMMITS_SHOWN;
  return {
    repo: preview.repo,
    ref: preview.ref,
    commit: shortSha(preview.commit),
    summary: planSummary(preview, opts.force),
    nothingToDo: nothingToDo(preview, opts.force ?? false),
    packs: ordered(preview.packs).map((p) => ({
      runs: packLine(p, { repo: preview.repo, force: opts.force ?? false }),
      commits: p.commits.slice(0, shown).map((c) => ({ short: shortSha(c.sha), subject: c.subject, author: c.author })),
      more: p.moreCommits + Math.max(0, p.commits.length - shown),
      errors: p.errors.map(indented),
      warnings: p.warnings.map(indented),
    })),
    problems: preview.problems.map(indented),
    notPacks: preview.notPacks.join(', '),
  };
}
