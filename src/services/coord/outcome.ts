/**
 * A deploy's outcome, whatever happens to the state store or the process running it.
 *
 * - settleOutcome: after a deploy, its history record (kept on disk by record.ts if the store
 *   refused it) and its lock moves are retried with backoff through a store outage. At the
 *   first failure the outcome is written to `state_dir/outcomes/<id>.outcome.json` and the
 *   requester is told it is kept there; once it lands they are told so. The turn holds its
 *   queue slot meanwhile (the next deploy of these packs must see the locks this one moves).
 *   Past SETTLE_LIMIT_MS it stops trying and the file waits for replayOutcomes.
 * - replayOutcomes: at start and on every sweep, outcomes (and history records) left on disk
 *   by a turn that gave up or a process that died are put into the store, locks only for the
 *   packs whose active release is still that deploy's.
 * - reportCutOff: a turn that ended in an error, or whose job ran out of attempts, is reported
 *   as what is active on disk (reconcile.ts): recorded, summarised (to its requester and the
 *   repository's notify channel) and its locks moved as a finished deploy's would be.
 */
import { rename, rm, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { errorMessage, isErrno } from '../../core/caught.js';
import { isPackbotError } from '../../core/errors.js';
import { outcomeFiles, outcomeName, outcomesDir, replayPendingRecords, writeDurably } from '../deploy/pending-records.js';
import { recordDeploy } from '../deploy/record.js';
import type { DeployResult } from '../deploy/types.js';
import type { CoordContext } from './context.js';
import { subjectOf } from './events.js';
import { readPayload } from './payload.js';
import type { QueueEntry } from './queue.js';
import { reconcile, type ReleaseReader } from './reconcile.js';
import type { DeployPayload } from './types.js';

/** Takes, keeps or releases the locks as `result` says (turn.ts's moveLocks, or an auto-revert's end). */
export type MoveLocks = (p: DeployPayload, result: DeployResult) => Promise<void>;

const BACKOFF_MS = [250, 500, 1000, 2000, 5000];
/** How long a turn keeps trying before it leaves its outcome to replayOutcomes. */
export const SETTLE_LIMIT_MS = 10 * 60_000;

/** The store could not be reached (directly, or as the cause of a queue or lock that gave up). */
export function isStoreTrouble(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isPackbotError(e) && e.code === 'store_unavailable') return true;
  }
  return false;
}

const SavedOutcome = z.object({
  payload: z.object({ plan: z.object({ id: z.string() }).passthrough() }).passthrough(),
  result: z.object({ deploy_id: z.string(), packs: z.array(z.object({ pack: z.string(), status: z.string() }).passthrough()) }).passthrough(),
});

const durably = (ctx: CoordContext) => ({ stateDir: ctx.config.state_dir, logger: ctx.logger });

/** Records (if set aside), moves the locks, and says so if it had to wait for the store. */
export async function settleOutcome(ctx: CoordContext, p: DeployPayload, result: DeployResult, moveLocks: MoveLocks, limitMs = SETTLE_LIMIT_MS): Promise<void> {
  const stateDir = ctx.config.state_dir;
  const id = result.deploy_id;
  const file = join(outcomesDir(stateDir), outcomeName(id, 'outcome'));
  const deadline = Date.now() + limitMs;
  let saved = false;
  let locked = false;
  for (let i = 0; ; i++) {
    try {
      await replayPendingRecords(ctx.history, stateDir, { id });
      if (!locked) await moveLocks(p, result);
      locked = true;
      if (!saved) return;
      await rm(file, { force: true });
      await ctx.events.emit({ kind: 'outcome_pending', deploy: subjectOf(p), settled: true });
      return;
    } catch (err) {
      if (!isStoreTrouble(err)) throw err;
      if (!saved) {
        // Before anyone is told it is kept: a process that dies now still has it.
        await writeDurably(outcomesDir(stateDir), outcomeName(id, 'outcome'), { payload: p, result });
        saved = true;
        ctx.logger.error({ err, deploy: id, file }, 'the state store is unavailable: the outcome of this deploy is kept on disk and retried');
        await ctx.events.emit({ kind: 'outcome_pending', deploy: subjectOf(p), settled: false });
      }
      if (Date.now() >= deadline) {
        ctx.logger.error({ deploy: id, file }, 'gave up waiting for the state store; the outcome is replayed when it is back');
        return;
      }
      await new Promise((r) => setTimeout(r, BACKOFF_MS[Math.min(i, BACKOFF_MS.length - 1)]));
    }
  }
}

/** `result` with only the packs whose active release is still the one it made live (for a late lock move). */
async function stillActive(store: ReleaseReader, result: DeployResult): Promise<DeployResult> {
  const packs = [];
  for (const r of result.packs) {
    const active = await store.active(r.pack).catch(() => null);
    if (active && active.meta.deploy_id === result.deploy_id) packs.push(r);
  }
  return { ...result, packs };
}

/**
 * Puts outcomes left on disk into the store: those of deploys no longer in the queue (a turn
 * still running settles its own). Throws what the store throws (the next sweep tries again).
 */
export async function replayOutcomes(ctx: CoordContext, moveLocks: MoveLocks): Promise<void> {
  const stateDir = ctx.config.state_dir;
  const dir = outcomesDir(stateDir);
  const busy = async (id: string) => (await ctx.queue.get(id)) !== null;
  for (const name of await outcomeFiles(dir, 'outcome')) {
    const file = join(dir, name);
    let saved: z.infer<typeof SavedOutcome>;
    try {
      saved = SavedOutcome.parse(JSON.parse(await readFile(file, 'utf8')));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) continue;
      ctx.logger.error({ err, file }, 'a saved deploy outcome could not be read; set aside as .bad');
      await rename(file, `${file}.bad`);
      continue;
    }
    const p = readPayload(ctx.config, saved.payload);
    const result = saved.result as unknown as DeployResult;
    if (await busy(result.deploy_id)) continue;
    await replayPendingRecords(ctx.history, stateDir, { id: result.deploy_id });
    await moveLocks(p, ctx.packStore ? await stillActive(ctx.packStore, result) : result);
    await rm(file, { force: true });
    ctx.logger.warn({ deploy: result.deploy_id }, 'recorded a deploy outcome kept on disk while the state store was unavailable');
    await ctx.events.emit({ kind: 'outcome_pending', deploy: subjectOf(p), settled: true });
  }
  await replayPendingRecords(ctx.history, stateDir, { holdBack: busy });
}

/** replayOutcomes one at a time (sweeps overlap when the store is slow; a file must go in once), failures logged. */
export function outcomeReplayer(ctx: CoordContext, moveLocks: MoveLocks): () => Promise<void> {
  let replaying: Promise<void> | null = null;
  return () => (replaying ??= replayOutcomes(ctx, moveLocks)
    .catch((err: unknown) => ctx.logger.warn({ err }, 'could not yet record deploy outcomes kept on disk'))
    .finally(() => (replaying = null)));
}

/**
 * Reports queue entry `entry`, whose turn was cut off because of `why`, as what is active on
 * disk: recorded, summarised and its locks moved as a finished deploy's. Without a pack store
 * to read (or when it cannot be read) it says it was cut off and that what went live is unknown.
 */
export async function reportCutOff(ctx: CoordContext, entry: QueueEntry, why: string, moveLocks: MoveLocks): Promise<void> {
  if (!entry.payload) {
    ctx.logger.error({ entry: entry.id, why }, 'a cut-off deploy left no payload to report it by');
    return;
  }
  const p = readPayload(ctx.config, entry.payload);
  const started = entry.started_at ? new Date(entry.started_at) : ctx.now();
  const result = ctx.packStore
    ? await reconcile(ctx.packStore, p, entry.packs, why, started).catch((err: unknown) => {
      ctx.logger.error({ err, deploy: p.plan.id }, 'could not read what a cut-off deploy left active');
      return null;
    })
    : null;
  if (!result) {
    const reason = `${why}; what went live could not be checked (${'`pack status`'} shows what is active)`;
    await ctx.events.emit({ kind: 'deploy_interrupted', deploy: subjectOf(p), reason });
    return;
  }
  ctx.logger.warn({ deploy: p.plan.id, why, live: result.packs.filter((r) => r.status === 'deployed').map((r) => r.pack) }, 'reporting a cut-off deploy as what it left active');
  // One try: settleOutcome below is the retry loop (and says so) if the store is away.
  await recordDeploy(ctx.history, p.plan, result, started, { ...durably(ctx), delaysMs: [] });
  await ctx.events.emit({ kind: 'deploy_finished', deploy: subjectOf(p), result });
  await settleOutcome(ctx, p, result, moveLocks);
}

/** Why a turn ended in `err`, in a few words for its report. */
export function failedBecause(err: unknown): string {
  if (isStoreTrouble(err)) return 'the state store was unavailable';
  return `its turn failed: ${errorMessage(err).split('\n')[0]?.slice(0, 200) ?? 'unknown error'}`;
}
