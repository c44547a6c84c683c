import { reply, type Reply } from '../chat/reply.js';
import type { MessageRef } from '../chat/types.js';
import type { DeployResult, PackResult, ProgressEvent } from '../deploy/types.js';
import { formatMs, shortSha, truthy } from './format.js';
import type { CommandContext } from './types.js';

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

/**
 * `pack deploy <repo> [packs] [branch]`: acknowledge at once, edit one progress message as
 * stages finish (a new line per stage on the console), then a summary per pack.
 */
export async function deployCommand(ctx: CommandContext): Promise<Reply[]> {
  const repo = ctx.params['repo'] ?? '';
  const packs = ctx.params['packs'] ?? '';
  const branch = ctx.params['branch'] ?? '';
  const head = { repo, packs: packs === '' ? 'all packs' : packs, branch: branch === '' ? 'its default branch' : branch };
  const ack: MessageRef | null = await ctx.chat.send(reply('deploy_ack', head));
  const lines: string[] = [];
  let updates: Promise<void> = Promise.resolve();
  const onProgress = (event: ProgressEvent) => {
    const line = progressLine(event);
    if (!line || !ack) return;
    lines.push(line);
    const snapshot = [...lines];
    updates = updates.then(() => ctx.chat.update(ack, reply('deploy_progress', { ...head, lines: snapshot })));
  };
  const result = await ctx.services.deployer.deploy(
    { repo, packs, ref: branch, force: truthy(ctx.params['force']), requestedBy: ctx.identity, channel: ctx.message.channel.name },
    onProgress,
  );
  await updates.catch((err: unknown) => ctx.logger.warn({ err }, 'progress update failed'));
  return [reply('deploy_summary', summaryView(result), { mention: true, moreHint: `\`pack history ${result.deploy_id}\`` })];
}
