/** How a deploy reads in chat: progress lines and the summary, shared by every road to a deploy. */
import type { Card } from '../chat/types.js';
import type { DeployResult, PackResult, RegisterCounts } from '../../services/deploy/types.js';
import type { ProgressEvent } from '../../services/deploy/stage-clock.js';
import { formatElapsed } from '../../core/duration.js';
import { shortSha } from './format.js';

const ICON = { deployed: '✓', unchanged: '=', failed: '✗', rolled_back: '↩' } as const;

/** Warnings a summary shows per pack; the rest are counted (the thread's details show them all). */
const SUMMARY_WARNINGS = 3;

function packLine(p: PackResult, commit: string | null, maxWarnings = Infinity) {
  const status =
    p.status === 'deployed' ? `deployed ${p.release}${p.previous_release ? ` (was ${p.previous_release})` : ''}`
    : p.status === 'unchanged' ? `already at ${shortSha(commit)}, nothing to do (add force=true to redeploy)`
    : (p.error ?? p.status);
  // Multi-line errors (every validation problem) stay visually under their pack.
  const hidden = p.warnings.length - maxWarnings;
  const warnings = hidden > 0 ? [...p.warnings.slice(0, maxWarnings), `… and ${hidden} more (\`packbot validate\` lists them all)`] : p.warnings;
  return { icon: ICON[p.status], pack: p.pack, version: p.version ?? '', status: status.replace(/\n/g, '\n   '), warnings };
}

/**
 * The pack content StackStorm registered ("registered 12 actions, 2 rules, 1 sensor"); the
 * runners, rule types and policy types it registers again on every call are its own, not news.
 */
const REGISTERED: ReadonlyArray<readonly [string, string, string]> = [
  ['actions', 'action', 'actions'], ['rules', 'rule', 'rules'], ['sensors', 'sensor', 'sensors'], ['triggers', 'trigger', 'triggers'],
  ['aliases', 'alias', 'aliases'], ['policies', 'policy', 'policies'], ['configs', 'config', 'configs'],
];

export function registeredText(counts: RegisterCounts | undefined): string {
  if (!counts) return '';
  const parts = REGISTERED.filter(([type]) => (counts[type] ?? 0) > 0).map(([type, one, many]) => `${counts[type]} ${counts[type] === 1 ? one : many}`);
  return parts.length > 0 ? `registered ${parts.join(', ')}` : 'registered no actions, rules or sensors';
}

/** Failed packs first (they are what the reader must act on), then the rest as the deploy ran them. */
const RANK = { failed: 0, rolled_back: 1, deployed: 2, unchanged: 3 } as const;
function byUrgency(packs: readonly PackResult[]): PackResult[] {
  return packs.map((p, i) => ({ p, i })).sort((a, b) => RANK[a.p.status] - RANK[b.p.status] || a.i - b.i).map(({ p }) => p);
}

/**
 * A finished deploy as a view. `limit` packs at most (failures first): chat shows the rest
 * in the message's thread; `more` says how many were left out.
 */
export function summaryView(result: DeployResult, limit = Infinity) {
  const ordered = byUrgency(result.packs);
  return {
    id: result.deploy_id,
    verb: result.repo === 'registry' ? 'Install' : 'Deploy',
    repo: result.repo,
    branch: result.branch,
    commit: shortSha(result.commit),
    error: result.error,
    ok: result.success_count,
    failed: result.failure_count,
    duration: formatElapsed(result.duration_ms),
    packs: ordered.slice(0, limit).map((p) => packLine(p, result.commit, SUMMARY_WARNINGS)),
    more: Math.max(0, ordered.length - limit),
    notPacks: (result.not_packs ?? []).join(', '),
    registered: registeredText(result.registered),
  };
}

/** Every pack's line of a finished deploy, failures first: what a big deploy's thread holds. */
export function detailsView(result: DeployResult) {
  return { id: result.deploy_id, packs: byUrgency(result.packs).map((p) => packLine(p, result.commit)) };
}

/** One line per finished stage (per pack where it applies); null for events not worth a line. */
export function progressLine(e: ProgressEvent): string | null {
  // Recording history is bookkeeping, not a step anyone waits on.
  if ((e.status !== 'done' && e.status !== 'failed') || e.stage === 'record') return null;
  const icon = e.status === 'done' ? '✓' : '✗';
  return `${icon} ${e.stage}${e.pack ? ` ${e.pack}` : ''}${e.elapsedMs !== undefined ? ` (${formatElapsed(e.elapsedMs)})` : ''}`;
}

/**
 * What a deploy's message shows while it runs: every finished step while there are few, and
 * for a big deploy a count per stage plus the latest steps, so the message stays short.
 */
export function progressLines(lines: readonly string[], shown = 12): string[] {
  if (lines.length <= shown) return [...lines];
  const counts = new Map<string, { done: number; failed: number }>();
  for (const line of lines) {
    const [icon, stage = ''] = line.split(' ');
    const c = counts.get(stage) ?? { done: 0, failed: 0 };
    if (icon === '✗') c.failed += 1;
    else c.done += 1;
    counts.set(stage, c);
  }
  const tally = [...counts].map(([stage, c]) => `${stage} ${c.done} ✓${c.failed ? ` ${c.failed} ✗` : ''}`).join(' · ');
  return [tally, '…', ...lines.slice(-5)];
}

/** The status line and fields of a deploy in progress ("Deploying docker,sensu…"). */
export function workingCard(head: { repo: string; packs: string; branch: string; verb?: string }): Card {
  return {
    tone: 'working', title: `${head.verb ?? 'Deploying'} ${head.packs}`,
    fields: [{ label: 'Repository', value: head.repo }, ...(head.branch ? [{ label: 'Branch', value: head.branch }] : [])],
  };
}

/** The status line and fields of a finished deploy. */
export function summaryCard(result: DeployResult, limit = 10): Card {
  const tone = result.error || result.success_count === 0 && result.failure_count > 0 ? 'failure' : result.failure_count > 0 ? 'warning' : 'success';
  const outcome = tone === 'success' ? 'succeeded' : tone === 'warning' ? 'partly failed' : 'failed';
  const ordered = byUrgency(result.packs);
  const shown = ordered.slice(0, limit).map((p) => `${ICON[p.status]} ${p.pack}${p.version ? ` ${p.version}` : ''}`);
  if (ordered.length > limit) shown.push(`… and ${ordered.length - limit} more`);
  const packs = shown.join('\n');
  return {
    tone, title: `Deploy ${result.deploy_id} ${outcome}`,
    fields: [
      { label: 'Repository', value: result.repo },
      { label: 'Branch', value: result.branch || '—' },
      { label: 'Commit', value: shortSha(result.commit) || '—' },
      { label: 'Packs', value: packs || '—' },
      ...(result.registered ? [{ label: 'StackStorm', value: registeredText(result.registered) }] : []),
      ...(result.not_packs?.length ? [{ label: 'Skipped, not packs', value: result.not_packs.join(', ') }] : []),
    ],
  };
}
