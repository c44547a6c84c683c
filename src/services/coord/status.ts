/**
 * What is going on, as one person sees it: the queue (their requests first), every lock (theirs
 * first) and the last deploys with their outcome — only for the repositories they may deploy.
 * Plain data (identities, ISO instants), read from the queue, the locks and history and never
 * written: `pack status` renders it as text, Slack's App Home as blocks.
 */
import type { Identity } from '../../core/identity.js';
import type { PackbotConfig } from '../../domain/config/index.js';
import type { HistoryRecord, HistoryStore, PackOutcome } from '../../domain/store/history.js';
import type { LockRecord, Locks } from './branch-locks.js';
import { readPayload } from './payload.js';
import type { Queue, QueueEntry } from './queue.js';

export type RequestState = 'running' | 'confirming' | 'starting' | 'waiting';

export interface StatusRequest {
  id: string;
  /** Its place in the whole queue (1 = first), as `pack queue` numbers it. */
  position: number;
  state: RequestState;
  requester: Identity;
  mine: boolean;
  kind: 'deploy' | 'install';
  /** '' when its payload could not be read (then `summary` says what it is). */
  repo: string;
  branch: string;
  packs: string[];
  /** Every pack of the repository was asked for ("all N packs"). */
  all: boolean;
  /** `pack queue`'s line for it: "alpha from demo main". */
  summary: string;
  /** When it was queued. */
  since: string;
}

export interface StatusLock {
  pack: string;
  repo: string;
  branch: string;
  owner: Identity;
  mine: boolean;
  since: string;
  /** When it reverts to the default branch. */
  expiresAt: string;
  reason?: string;
}

export interface StatusDeploy {
  id: string;
  repo: string;
  branch: string;
  requester: Identity;
  mine: boolean;
  result: HistoryRecord['result'];
  finishedAt: string;
  packs: Array<{ pack: string; status: PackOutcome; version?: string }>;
}

export interface StatusView {
  viewer: Identity;
  /** When it was read: the view's times are relative to this. */
  at: string;
  queue: StatusRequest[];
  locks: StatusLock[];
  deploys: StatusDeploy[];
}

/** How many deploys a view shows by default. */
export const STATUS_DEPLOYS = 10;
/** How far back in history a view looks for them (history is newest first). */
const HISTORY_SCAN = 200;

export interface StatusInput {
  viewer: Identity;
  now: Date;
  /** The queue in arrival order, each entry with its repository and branch (from its payload). */
  queue: Array<{ entry: QueueEntry; repo: string; branch: string; kind: 'deploy' | 'install'; all: boolean }>;
  locks: LockRecord[];
  /** History, newest first. */
  history: HistoryRecord[];
  /** Whether the viewer may deploy from this repository: nothing else is shown to them. */
  sees: (repo: string) => boolean;
  deploys?: number;
}

function stateOf(e: QueueEntry): RequestState {
  if (e.state === 'running') return 'running';
  if (e.state === 'ready') return e.awaiting === 'confirmation' ? 'confirming' : 'starting';
  return 'waiting';
}

/** The viewer's own first, each group in its own order (a stable sort keeps it). */
const mineFirst = <T extends { mine: boolean }>(items: T[]): T[] => [...items].sort((a, b) => Number(b.mine) - Number(a.mine));

/** The whole rule, pure: what this viewer is shown, in what order. */
export function buildStatusView(input: StatusInput): StatusView {
  const { viewer, sees } = input;
  const queue = input.queue
    .map(({ entry, repo, branch, kind, all }, i): StatusRequest => ({
      id: entry.id, position: i + 1, state: stateOf(entry), requester: entry.requester, mine: entry.requester === viewer,
      kind, repo, branch, packs: entry.packs, all, summary: entry.summary, since: entry.enqueued_at,
    }))
    // A request whose repository is unknown (unreadable payload) concerns no one's permission: its requester sees it.
    .filter((r) => (r.repo === '' ? r.mine : sees(r.repo)));
  const locks = input.locks
    .filter((l) => sees(l.repo))
    .sort((a, b) => a.pack.localeCompare(b.pack))
    .map((l): StatusLock => ({
      pack: l.pack, repo: l.repo, branch: l.branch, owner: l.owner, mine: l.owner === viewer, since: l.since, expiresAt: l.expires_at,
      ...(l.reason ? { reason: l.reason } : {}),
    }));
  const deploys = input.history
    .filter((r) => r.kind === 'deploy' && r.repo !== undefined && sees(r.repo))
    .slice(0, input.deploys ?? STATUS_DEPLOYS)
    .map((r): StatusDeploy => ({
      id: r.id, repo: r.repo ?? '', branch: r.branch ?? '', requester: r.requested_by, mine: r.requested_by === viewer,
      result: r.result, finishedAt: r.finished_at,
      packs: r.packs.map((p) => ({ pack: p.pack, status: p.status, ...(p.version ? { version: p.version } : {}) })),
    }));
  return { viewer, at: input.now.toISOString(), queue: mineFirst(queue), locks: mineFirst(locks), deploys };
}

export interface StatusSources {
  config: PackbotConfig;
  queue: Pick<Queue, 'list' | 'withPayloads'>;
  locks: Pick<Locks, 'list'>;
  history: Pick<HistoryStore, 'list'>;
}

/** Reads the queue (with its payloads, in one round trip), the locks and recent history, and builds the view. */
export async function readStatus(
  src: StatusSources, viewer: Identity, sees: (repo: string) => boolean, opts: { now?: Date; deploys?: number } = {},
): Promise<StatusView> {
  const [entries, locks, history] = await Promise.all([
    src.queue.list().then((list) => src.queue.withPayloads(list)),
    src.locks.list(),
    src.history.list({ limit: HISTORY_SCAN }),
  ]);
  const queue = entries.map((entry) => {
    if (entry.payload === undefined || entry.payload === null) return { entry, repo: '', branch: '', kind: 'deploy' as const, all: false };
    const { plan } = readPayload(src.config, entry.payload);
    return { entry, repo: plan.repo.name, branch: plan.ref, kind: plan.kind, all: plan.all === true };
  });
  return buildStatusView({
    viewer, now: opts.now ?? new Date(), queue, locks, history, sees, ...(opts.deploys !== undefined ? { deploys: opts.deploys } : {}),
  });
}
