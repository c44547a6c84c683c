/**
 * A status view (services/coord/status.ts) as people read it: spans instead of instants,
 * people as marks (each platform shows them by name), a request's packs in a line. One shape
 * for `pack status`'s template and for Slack's App Home blocks, so both say the same.
 */
import { humanSpan, timeAgo } from '../../core/duration.js';
import { personMark } from '../../core/identity.js';
import { packsLabel } from '../../services/coord/events.js';
import type { RequestState, StatusDeploy, StatusView } from '../../services/coord/status.js';

const STATE_LABELS: Record<RequestState, string> = {
  running: 'running', confirming: 'waiting for confirmation', starting: 'starting', waiting: 'waiting',
};

const RESULT_LABELS: Record<StatusDeploy['result'], { icon: string; result: string }> = {
  success: { icon: '✓', result: 'succeeded' },
  noop: { icon: '=', result: 'nothing to do' },
  partial: { icon: '⚠', result: 'partly failed' },
  failure: { icon: '✗', result: 'failed' },
  denied: { icon: '✗', result: 'refused' },
};

export interface StatusDisplay {
  queue: Array<{
    id: string; position: number; state: string; who: string; mine: boolean; what: string; repo: string; branch: string; packs: string; waiting: string;
  }>;
  locks: Array<{ pack: string; repo: string; branch: string; who: string; mine: boolean; since: string; reverts: string; reason: string }>;
  deploys: Array<{ id: string; repo: string; branch: string; who: string; mine: boolean; icon: string; result: string; packs: string; ago: string }>;
}

/** "alpha 1.1.0 deployed, beta unchanged": each pack and what became of it. */
function packOutcomes(d: StatusDeploy): string {
  if (d.packs.length === 0) return 'no packs';
  const shown = d.packs.slice(0, 5).map((p) => `${p.pack}${p.version ? ` ${p.version}` : ''} ${p.status.replace('_', ' ')}`);
  return d.packs.length > 5 ? `${shown.join(', ')} and ${d.packs.length - 5} more` : shown.join(', ');
}

export function statusDisplay(view: StatusView): StatusDisplay {
  const now = new Date(view.at);
  const span = (iso: string) => humanSpan(now.getTime() - Date.parse(iso));
  return {
    queue: view.queue.map((r) => ({
      id: r.id, position: r.position, state: STATE_LABELS[r.state], who: personMark(r.requester, 'name'), mine: r.mine,
      what: r.summary, repo: r.repo, branch: r.branch,
      packs: r.kind === 'install' ? r.packs.join(',') : packsLabel(r), waiting: span(r.since),
    })),
    locks: view.locks.map((l) => {
      const left = Date.parse(l.expiresAt) - now.getTime();
      return {
        pack: l.pack, repo: l.repo, branch: l.branch, who: personMark(l.owner, 'name'), mine: l.mine,
        since: span(l.since), reverts: left > 0 ? `in ${humanSpan(left)}` : 'now', reason: l.reason ?? '',
      };
    }),
    deploys: view.deploys.map((d) => ({
      id: d.id, repo: d.repo, branch: d.branch, who: personMark(d.requester, 'name'), mine: d.mine,
      ...RESULT_LABELS[d.result], packs: packOutcomes(d), ago: timeAgo(d.finishedAt, now),
    })),
  };
}
