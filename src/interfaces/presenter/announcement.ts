/**
 * The friendly announcement after a successful default-branch deploy, sent to the
 * repository's `announce_channel`: per pack, the version change, what was added, removed
 * or changed, and the commits behind it. A readable summary, not a log dump.
 */
import { reply, type Reply } from '../chat/reply.js';
import { shortSha } from './format.js';
import type { DeployResult } from '../../services/deploy/types.js';
import { ANNOUNCED_KINDS, type PackChange } from '../../services/deploy/changes.js';

const NOUN: Record<(typeof ANNOUNCED_KINDS)[number], [string, string]> = {
  actions: ['action', 'actions'],
  rules: ['rule', 'rules'],
  sensors: ['sensor', 'sensors'],
  aliases: ['alias', 'aliases'],
};

/** Names past this many are counted, not listed. */
const MAX_NAMES = 8;

function names(list: string[]): string {
  const shown = list.slice(0, MAX_NAMES).join(', ');
  return list.length > MAX_NAMES ? `${shown} and ${list.length - MAX_NAMES} more` : shown;
}

/** "2 actions added: check_disk, check_load" — one line per kind and kind of change. */
function changeLines(c: PackChange): string[] {
  const lines: string[] = [];
  for (const [what, sets] of [['added', c.added], ['removed', c.removed], ['changed', c.changed]] as const) {
    for (const kind of ANNOUNCED_KINDS) {
      const list = sets[kind];
      if (list.length === 0) continue;
      const [one, many] = NOUN[kind];
      lines.push(`${list.length} ${list.length === 1 ? one : many} ${what}: ${names(list)}`);
    }
  }
  return lines;
}

function versionText(c: PackChange): string {
  if (c.fromVersion === null) return `${c.toVersion} (new)`;
  return c.fromVersion === c.toVersion ? c.toVersion : `${c.fromVersion} → ${c.toVersion}`;
}

export function announcementView(result: DeployResult, changes: PackChange[], by: string) {
  return {
    repo: result.repo,
    branch: result.branch,
    id: result.deploy_id,
    by,
    packs: changes.map((c) => ({
      pack: c.pack,
      version: versionText(c),
      changes: changeLines(c),
      commits: c.commits.map((x) => ({ short: shortSha(x.sha), subject: x.subject, author: x.author })),
      more: c.moreCommits,
    })),
  };
}

export function announcementReply(result: DeployResult, changes: PackChange[], by: string): Reply {
  const view = announcementView(result, changes, by);
  return reply('announce', view, {
    card: {
      tone: 'success',
      title: `${result.repo} ${result.branch} is live`,
      fields: view.packs.map((p) => ({ label: p.pack, value: p.version })).slice(0, 10),
    },
  });
}
