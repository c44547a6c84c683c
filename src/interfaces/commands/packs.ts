import { reply, type Reply } from '../chat/reply.js';
import { summarizePack } from '../../domain/packs/index.js';
import type { Release } from '../../domain/packstore/index.js';
import { PackbotError } from '../../core/errors.js';
import { timeAgo } from '../../core/duration.js';
import { shortSha } from '../presenter/format.js';
import type { CommandContext } from './types.js';
import { lockView, stateLabel } from './coordination.js';
import { personMark } from '../../core/identity.js';
import { statusOverview } from './status.js';

export function releaseView(r: Release, now = new Date()) {
  return {
    pack: r.pack,
    version: r.meta.version,
    release: r.release,
    repo: r.meta.repo,
    branch: r.meta.branch,
    commit: shortSha(r.meta.commit),
    by: personMark(r.meta.deployed_by, 'name', 'bare'),
    at: r.meta.deployed_at,
    ago: timeAgo(r.meta.deployed_at, now),
  };
}

async function requireActive(ctx: CommandContext, pack: string): Promise<Release> {
  const active = await ctx.services.store.active(pack);
  if (active) return active;
  const installed = (await ctx.services.store.list()).map((r) => r.pack);
  throw new PackbotError('pack_not_installed', `${pack} is not installed${installed.length ? ` (installed: ${installed.join(', ')})` : ''}.`);
}

/** `pack list`: every installed pack and where it came from. */
export async function listCommand(ctx: CommandContext): Promise<Reply[]> {
  const releases = await ctx.services.store.list();
  return [reply('pack_list', { packs: releases.map((r) => releaseView(r)) })];
}

/** `pack status [pack]`: the queue, locks and last deploys; or what is active of one pack, and how its last deploy went. */
export async function statusCommand(ctx: CommandContext): Promise<Reply[]> {
  const pack = ctx.params['pack']?.trim() ?? '';
  if (pack === '') return statusOverview(ctx);
  const active = await requireActive(ctx, pack);
  const [last] = await ctx.services.history.list({ pack, limit: 1 });
  const lastPack = last?.packs.find((p) => p.pack === pack);
  const { coordinator } = ctx.services;
  const lock = await coordinator.locks.get(pack);
  const queued = (await coordinator.queue.list()).filter((e) => e.packs.includes(pack));
  return [reply('pack_status', {
    ...releaseView(active),
    lock: lock ? lockView(lock) : null,
    queued: queued.map((e) => ({ id: e.id, state: stateLabel(e), what: e.summary, by: personMark(e.requester, 'name') })),
    last: last ? { id: last.id, kind: last.kind, result: last.result, by: personMark(last.requested_by, 'name', 'bare'), ago: timeAgo(last.finished_at), status: lastPack?.status, error: lastPack?.error } : null,
  })];
}

/** `pack info <pack>`: version, origin, and what the pack contains. */
export async function infoCommand(ctx: CommandContext): Promise<Reply[]> {
  const pack = ctx.params['pack']?.trim() ?? '';
  const active = await requireActive(ctx, pack);
  const summary = await summarizePack(active.dir);
  const releases = await ctx.services.store.releases(pack);
  return [reply('pack_info', {
    ...releaseView(active),
    fullCommit: active.meta.commit,
    counts: { actions: summary.actions.length, rules: summary.rules.length, sensors: summary.sensors.length, aliases: summary.aliases.length },
    releases: releases.map((r) => ({ release: r.release, active: r.active })),
  })];
}
