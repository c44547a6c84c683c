/**
 * Branch locks per pack. Deploying a pack from a branch other than its repository's default
 * locks it to the deployer, so nobody undoes their test by deploying over it; deploying it
 * from the default branch again (or an unlock) ends the lock.
 *
 * `decideLock` is the whole rule set, pure; `createLocks` applies it atomically over a
 * StateStore with a compare-and-set loop, so two people racing for one pack get one answer.
 */
import { PackbotError } from '../../core/errors.js';
import { humanSpan } from '../../core/duration.js';
import type { StateStore } from '../../domain/store/state.js';
import { displayIdentity, type Identity } from '../../core/identity.js';
import type { Target } from '../../core/target.js';

export interface LockRecord {
  pack: string;
  /** `<platform>:<user id>` */
  owner: Identity;
  branch: string;
  repo: string;
  reason?: string;
  since: string;
  expires_at: string;
  /** Where it was taken: the owner is warned there before it reverts. */
  target?: Target;
}

export interface LockRequest {
  requester: Identity;
  repo: string;
  branch: string;
  defaultBranch: string;
  reason?: string;
  target?: Target;
}

export type LockDecision =
  /** Unlocked, from the default branch: nothing to do. */
  | { kind: 'free' }
  /** Take the lock (or move the requester's own lock to this branch). */
  | { kind: 'take' }
  /** The owner is going back to the default branch: the lock ends. */
  | { kind: 'release' }
  /** Someone else deploys the locked branch itself: it undoes nothing, the lock stays theirs. */
  | { kind: 'same_branch' }
  | { kind: 'refused'; lock: LockRecord };

export function decideLock(lock: LockRecord | null, req: LockRequest): LockDecision {
  const toDefault = req.branch === req.defaultBranch;
  if (!lock) return toDefault ? { kind: 'free' } : { kind: 'take' };
  if (lock.owner === req.requester) return toDefault ? { kind: 'release' } : { kind: 'take' };
  if (req.branch === lock.branch) return { kind: 'same_branch' };
  return { kind: 'refused', lock };
}

const KEY = (pack: string) => `lock:${pack}`;
const MAX_ATTEMPTS = 50;

export interface LocksOptions {
  now?: () => Date;
  /** How long after it is taken a lock reverts (per repository). */
  revertAfterMs: (repo: string) => number;
}

export function createLocks(store: StateStore, opts: LocksOptions) {
  const now = opts.now ?? (() => new Date());

  async function get(pack: string): Promise<LockRecord | null> {
    const raw = await store.get(KEY(pack));
    return raw ? (JSON.parse(raw) as LockRecord) : null;
  }

  /** Read-decide-write until no one else changed the lock in between. */
  async function update<T>(pack: string, step: (lock: LockRecord | null) => { next: LockRecord | null; result: T }): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const raw = await store.get(KEY(pack));
      const { next, result } = step(raw ? (JSON.parse(raw) as LockRecord) : null);
      const value = next ? JSON.stringify(next) : null;
      if (value === raw || (await store.compareAndSet(KEY(pack), raw, value))) return result;
    }
    throw new PackbotError('internal', `The lock on ${pack} kept changing under us; try again.`);
  }

  function taken(pack: string, req: LockRequest): LockRecord {
    const since = now();
    return {
      pack, owner: req.requester, branch: req.branch, repo: req.repo,
      ...(req.reason ? { reason: req.reason } : {}),
      ...(req.target ? { target: req.target } : {}),
      since: since.toISOString(),
      expires_at: new Date(since.getTime() + opts.revertAfterMs(req.repo)).toISOString(),
    };
  }

  /** The locks on `packs`, in order: one store read for all (a deploy of `all` checks every pack). */
  async function getMany(packs: readonly string[]): Promise<Array<LockRecord | null>> {
    if (packs.length === 0) return [];
    const values = await store.getMany(packs.map(KEY));
    return values.map((raw) => (raw ? (JSON.parse(raw) as LockRecord) : null));
  }

  return {
    get,
    getMany,

    async list(): Promise<LockRecord[]> {
      const keys = await store.keys('lock:');
      const values = await store.getMany(keys);
      return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as LockRecord);
    },

    /** Applies the rules to a deploy of `pack` atomically; a refusal changes nothing. */
    claim(pack: string, req: LockRequest): Promise<{ decision: LockDecision; lock: LockRecord | null }> {
      return update<{ decision: LockDecision; lock: LockRecord | null }>(pack, (lock) => {
        const decision = decideLock(lock, req);
        switch (decision.kind) {
          case 'take': {
            const next = lock && lock.owner === req.requester && lock.branch === req.branch ? lock : taken(pack, req);
            return { next, result: { decision, lock: next } };
          }
          case 'release':
            return { next: null, result: { decision, lock: null } };
          default:
            return { next: lock, result: { decision, lock } };
        }
      });
    },

    /** The owner releases; an admin may force it (the caller records and announces that). */
    release(pack: string, by: string, opts2: { admin: boolean }): Promise<{ lock: LockRecord; forced: boolean }> {
      return update(pack, (lock) => {
        if (!lock) throw new PackbotError('usage', `${pack} is not locked; \`pack locks\` lists the locked packs.`);
        if (lock.owner !== by && !opts2.admin) {
          throw new PackbotError('not_permitted', `${pack} is locked by ${displayIdentity(lock.owner)}; only they or an admin can unlock it.`);
        }
        return { next: null, result: { lock, forced: lock.owner !== by } };
      });
    },

    /** Ends exactly this lock (the one taken at `since`); false if it is gone or was retaken. */
    releaseIf(pack: string, since: string): Promise<LockRecord | null> {
      return update(pack, (lock) => (lock && lock.since === since ? { next: null, result: lock } : { next: lock, result: null }));
    },

    /** The owner pushes the auto-revert back by `ms` from now. */
    extend(pack: string, by: string, ms: number): Promise<LockRecord> {
      return update(pack, (lock) => {
        if (!lock) throw new PackbotError('usage', `${pack} is not locked; \`pack locks\` lists the locked packs.`);
        if (lock.owner !== by) throw new PackbotError('not_permitted', `${pack} is locked by ${displayIdentity(lock.owner)}; only they can extend it.`);
        const next = { ...lock, expires_at: new Date(now().getTime() + ms).toISOString() };
        return { next, result: next };
      });
    },
  };
}

export type Locks = ReturnType<typeof createLocks>;

/**
 * What a refused deployer is told: who holds the pack, on which branch, since when, when it
 * reverts, and how to get it unlocked.
 */
export function refusalMessage(lock: LockRecord, opts: { now: Date; defaultBranch: string; prefix: string; display: (identity: string) => string }): string {
  const holder = opts.display(lock.owner);
  const since = humanSpan(opts.now.getTime() - new Date(lock.since).getTime());
  const left = new Date(lock.expires_at).getTime() - opts.now.getTime();
  const revert = left > 0 ? `it goes back to ${opts.defaultBranch} automatically in ${humanSpan(left)}` : `it is going back to ${opts.defaultBranch} now`;
  return `${lock.pack} is locked to branch ${lock.branch} by ${holder} since ${since} ago; ${revert}. `
    + `Ask ${holder} to release it with \`${opts.prefix}pack unlock ${lock.pack}\` (admins can force it), or deploy ${lock.branch} itself.`;
}

/** Throws pack_locked, saying who holds it and how to unlock, if a lock on one of `packs` stands in the way of `request`. */
export async function assertUnlocked(
  locks: Pick<Locks, 'getMany'>, request: LockRequest, packs: readonly string[], opts: { now: Date; prefix: string; display?: (identity: string) => string },
): Promise<void> {
  const held = await locks.getMany(packs);
  for (const lock of held) {
    const decision = decideLock(lock, request);
    if (decision.kind === 'refused') {
      throw new PackbotError('pack_locked', refusalMessage(decision.lock, {
        now: opts.now, defaultBranch: request.defaultBranch, prefix: opts.prefix, display: opts.display ?? displayIdentity,
      }));
    }
  }
}
