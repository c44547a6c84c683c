/** How a deploy reads in chat: progress lines and the summary, shared by every road to a deploy. */
import type { DeployResult, PackResult, ProgressEvent } from '../deploy/types.js';
import { formatMs, shortSha } from './format.js';

const ICON = { deployed: '✓', unchanged: '=', failed: '✗', rolled_back: '↩' } as const;

function packLine(p: PackResult, commit: string | null) {
  const status =
    p.status === 'deployed' ? `deployed ${p.release}${p.previous_release ? ` (was ${p.previous_release})` : ''}`
    : p.status === 'unchanged' ? `already at ${shortSha(commit)}, nothing to do (add force=true to redeploy)`
    : (p.error ?? p.status);
  // Multi-line errors (every validation problem) stay visually under their pack.
  return { icon: ICON[p.status], pack: p.pack, version: p.version ?? '', status: status.replace(/\n/g, '\n   '), warnings: p.warnings };
}

export function summaryView(result: DeployResult) {
  return {
    id: result.deploy_id,
    repo: result.repo,
    branch: result.branch,
    commit: shortSha(result.commit),
    error: result.error,
    ok: result.success_count,
    failed: result.failure_count,
    duration: formatMs(result.duration_ms),
    packs: result.packs.map((p) => packLine(p, result.commit)),
  };
}

/** One line per finished stage (per pack where it applies); null for events not worth a line. */
export function progressLine(e: ProgressEvent): string | null {
  // Recording history is bookkeeping, not a step anyone waits on.
  if ((e.status !== 'done' && e.status !== 'failed') || e.stage === 'record') return null;
  const icon = e.status === 'done' ? '✓' : '✗';
  return `${icon} ${e.stage}${e.pack ? ` ${e.pack}` : ''}${e.elapsedMs !== undefined ? ` (${formatMs(e.elapsedMs)})` : ''}`;
}
