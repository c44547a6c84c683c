import { personMark } from '../../core/identity.js';
import { assertPackName } from '../../domain/packstore/names.js';
import { reply, type Reply } from '../chat/reply.js';
import type { HistoryRecord } from '../../domain/store/history.js';
import { formatElapsed, timeAgo } from '../../core/duration.js';
import { shortSha } from '../presenter/format.js';
import type { CommandContext } from './types.js';

const HISTORY_LIMIT = 10;

function recordView(r: HistoryRecord, pack?: string) {
  const packs = r.packs.filter((p) => !pack || p.pack === pack);
  return {
    id: r.id, kind: r.kind, result: r.result, by: personMark(r.requested_by, 'name', 'bare'), ago: timeAgo(r.finished_at), at: r.finished_at,
    repo: r.repo ?? '', branch: r.branch ?? '', commit: shortSha(r.commit), duration: formatElapsed(r.duration_ms), error: r.error ?? '',
    packs: packs.map((p) => ({ pack: p.pack, status: p.status, from: p.from ?? '-', to: p.to ?? '-', error: p.error ?? '', warnings: p.warnings })),
  };
}

/** `pack history <pack>` lists a pack's last deploys; `pack history <id>` shows one deploy. */
export async function historyCommand(ctx: CommandContext): Promise<Reply[]> {
  const key = ctx.params['pack']?.trim() ?? '';
  const record = /^[0-9a-f]{8}$/.test(key) ? await ctx.services.history.get(key) : null;
  if (record) return [reply('history_record', recordView(record))];
  assertPackName(key);
  const records = await ctx.services.history.list({ pack: key, limit: HISTORY_LIMIT });
  return [reply('history_list', { pack: key, records: records.map((r) => recordView(r, key)) })];
}
