/** The queue, confirmation and lock commands: thin views over the coordinator. */
import { reply, type Reply } from '../chat/reply.js';
import type { Answer } from '../../services/coord/confirmations.js';
import { isChatIdentity, personMark } from '../../core/identity.js';
import type { QueueEntry } from '../../services/coord/queue.js';
import type { LockRecord } from '../../services/coord/branch-locks.js';
import { parseDuration } from '../../domain/config/index.js';
import { formatDuration, humanSpan } from '../../core/duration.js';
import { PackbotError } from '../../core/errors.js';
import type { CommandContext } from './types.js';
import { mayConfirmFor } from '../../domain/permissions/index.js';
import { actorOf } from '../chat/actor.js';

/** What an answer to a confirmation tells the person who typed it (confirmed: the turn speaks). */
export function answerReplies(answer: Answer): Reply[] {
  switch (answer.kind) {
    case 'not_yours':
      return [reply('confirm_not_yours', {
        owner: personMark(answer.pending.requester, 'name'), what: answer.pending.what ?? answer.pending.entryId, pushed: !isChatIdentity(answer.pending.requester),
      })];
    case 'wrong_phrase':
      return [reply('confirm_wrong', { phrase: answer.pending.phrase, what: answer.pending.what ?? answer.pending.entryId }, { mention: true })];
    default:
      return [];
  }
}

export async function confirmCommand(ctx: CommandContext): Promise<Reply[]> {
  const answer = await ctx.services.coordinator.answer(ctx.identity, ctx.message.channel.id, ctx.params['phrase'] ?? '', true, mayConfirmFor(ctx.services.permissions, actorOf(ctx.message)));
  if (answer.kind === 'none') return [reply('confirm_nothing')];
  return answerReplies(answer);
}

export async function cancelCommand(ctx: CommandContext): Promise<Reply[]> {
  const id = (ctx.params['id'] ?? '').trim();
  // As for the Cancel button: the repository's allowed_users and allowed_channels apply.
  const repo = id === '' ? undefined : await ctx.services.coordinator.repoOf(id);
  if (repo) await ctx.services.permissions.repo(actorOf(ctx.message), 'cancel', repo, { command: ctx.alias.command });
  const { entry, forced } = await ctx.services.coordinator.cancel(ctx.identity, ctx.message.channel.id, id);
  return [reply('cancelled', { what: entry.summary, id: entry.id, forced, owner: personMark(entry.requester, 'name') })];
}

export function stateLabel(e: QueueEntry): string {
  if (e.state === 'running') return 'running';
  if (e.state === 'ready') return e.awaiting === 'confirmation' ? 'waiting for confirmation' : 'starting';
  return 'waiting';
}

export async function queueCommand(ctx: CommandContext): Promise<Reply[]> {
  const entries = await ctx.services.coordinator.queue.list();
  const now = new Date();
  return [reply('queue_list', {
    entries: entries.map((e, i) => ({ position: i + 1, id: e.id, state: stateLabel(e), what: e.summary, by: personMark(e.requester, 'name'), ago: humanSpan(now.getTime() - Date.parse(e.enqueued_at)) })),
  })];
}

export function lockView(lock: LockRecord, now = new Date()) {
  const left = Date.parse(lock.expires_at) - now.getTime();
  return {
    pack: lock.pack, repo: lock.repo, branch: lock.branch, by: personMark(lock.owner, 'name'), reason: lock.reason,
    since: humanSpan(now.getTime() - Date.parse(lock.since)),
    reverts: left > 0 ? `in ${humanSpan(left)}` : 'now',
  };
}

export async function locksCommand(ctx: CommandContext): Promise<Reply[]> {
  const locks = await ctx.services.coordinator.locks.list();
  return [reply('locks_list', { locks: locks.map((l) => lockView(l)) })];
}

export async function lockExtendCommand(ctx: CommandContext): Promise<Reply[]> {
  const pack = (ctx.params['pack'] ?? '').trim();
  const text = (ctx.params['duration'] ?? '').trim();
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    throw new PackbotError('usage', `"${text.slice(0, 40)}" is not a duration; use something like 30m, 2h or 1d.`);
  }
  if (ms <= 0) throw new PackbotError('usage', 'The extension must be longer than zero; use something like 30m, 2h or 1d.');
  const lock = await ctx.services.coordinator.extend(pack, ctx.identity, ms);
  return [reply('lock_extended', { pack, branch: lock.branch, until: lock.expires_at, left: formatDuration(ms) })];
}

export async function unlockCommand(ctx: CommandContext): Promise<Reply[]> {
  const pack = (ctx.params['pack'] ?? '').trim();
  // The repository's notify channel hears of it from the coordinator's event.
  const { lock, forced } = await ctx.services.coordinator.unlock(pack, ctx.identity, { platform: ctx.message.platform, channel: ctx.message.channel.id });
  return [reply('lock_released', { pack, branch: lock.branch, owner: personMark(lock.owner, 'name'), by: personMark(ctx.identity, 'name'), forced })];
}
