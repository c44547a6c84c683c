import { afterEach, describe, expect, it } from 'vitest';
import { assertUnlocked, createLocks, decideLock, type LockRecord, type LockRequest } from '../../src/services/coord/branch-locks.js';
import type { StateStore } from '../../src/domain/store/index.js';
import { cleanUp, STORE_BACKENDS } from '../helpers/stores.js';

const lock = (owner: string, branch: string): LockRecord => ({
  pack: 'docker', owner, branch, repo: 'st2contrib', since: '2026-01-01T00:00:00.000Z', expires_at: '2026-01-01T01:00:00.000Z',
});
const req = (requester: string, branch: string): LockRequest => ({ requester, branch, repo: 'st2contrib', defaultBranch: 'master' });

describe('decideLock', () => {
  it.each([
    ['unlocked, default branch', null, req('slack:A', 'master'), 'free'],
    ['unlocked, feature branch', null, req('slack:A', 'feature-x'), 'take'],
    ['own lock, another branch (the lock follows)', lock('slack:A', 'feature-x'), req('slack:A', 'feature-y'), 'take'],
    ['own lock, back to the default branch', lock('slack:A', 'feature-x'), req('slack:A', 'master'), 'release'],
    ["someone else's lock, the locked branch itself", lock('slack:A', 'feature-x'), req('slack:B', 'feature-x'), 'same_branch'],
    ["someone else's lock, the default branch (would undo the test)", lock('slack:A', 'feature-x'), req('slack:B', 'master'), 'refused'],
    ["someone else's lock, a third branch", lock('slack:A', 'feature-x'), req('slack:B', 'other'), 'refused'],
  ])('%s → %s', (_what, current, request, kind) => {
    expect(decideLock(current, request).kind).toBe(kind);
  });
});

describe.each(STORE_BACKENDS)('branch locks over the %s store', (_name, open) => {
  const stores: StateStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await cleanUp(s, 'lock:');
  });
  const setup = async () => {
    const store = await open();
    stores.push(store);
    const now = new Date('2026-11-21T10:00:00.000Z');
    return createLocks(store, { now: () => now, revertAfterMs: () => 3_600_000 });
  };

  it('takes, follows, and releases a lock through deploys', async () => {
    const locks = await setup();
    const first = await locks.claim('docker', req('slack:A', 'feature-x'));
    expect(first.decision.kind).toBe('take');
    expect(first.lock).toMatchObject({ owner: 'slack:A', branch: 'feature-x', since: '2026-11-21T10:00:00.000Z', expires_at: '2026-11-21T11:00:00.000Z' });
    expect((await locks.claim('docker', req('slack:B', 'master'))).decision.kind).toBe('refused');
    expect((await locks.claim('docker', req('slack:B', 'feature-x'))).decision.kind).toBe('same_branch');
    expect((await locks.get('docker'))?.owner).toBe('slack:A');
    expect((await locks.claim('docker', req('slack:A', 'feature-y'))).lock?.branch).toBe('feature-y');
    expect((await locks.claim('docker', req('slack:A', 'master'))).decision.kind).toBe('release');
    expect(await locks.get('docker')).toBeNull();
  });

  it('gives a contested pack to exactly one of many racing deployers', async () => {
    const locks = await setup();
    const users = Array.from({ length: 20 }, (_, i) => `slack:U${i}`);
    const results = await Promise.all(users.map((u) => locks.claim('sensu', req(u, `branch-${u.slice(7)}`))));
    const winners = results.filter((r) => r.decision.kind === 'take');
    expect(winners).toHaveLength(1);
    expect(results.filter((r) => r.decision.kind === 'refused')).toHaveLength(19);
    expect((await locks.get('sensu'))?.owner).toBe(winners[0]?.lock?.owner);
  });

  it('lets the owner or an admin unlock, and the owner extend', async () => {
    const locks = await setup();
    await locks.claim('docker', req('slack:A', 'feature-x'));
    await expect(locks.release('docker', 'slack:B', { admin: false })).rejects.toThrow('docker is locked by @A; only they or an admin can unlock it.');
    await expect(locks.extend('docker', 'slack:B', 60_000)).rejects.toThrow(/only they can extend it/);
    expect((await locks.extend('docker', 'slack:A', 7_200_000)).expires_at).toBe('2026-11-21T12:00:00.000Z');
    expect(await locks.release('docker', 'slack:ADMIN', { admin: true })).toMatchObject({ forced: true, lock: { owner: 'slack:A' } });
    await expect(locks.release('docker', 'slack:A', { admin: false })).rejects.toThrow('docker is not locked; `pack locks` lists the locked packs.');
    await locks.claim('docker', req('slack:A', 'feature-x'));
    await locks.claim('sensu', req('slack:B', 'dev'));
    expect((await locks.list()).map((l) => [l.pack, l.owner])).toEqual([['docker', 'slack:A'], ['sensu', 'slack:B']]);
    expect(await locks.release('docker', 'slack:A', { admin: false })).toMatchObject({ forced: false });
  });

  // `packbot deploy all` checks every pack of the repository: one round trip to the store
  // for all of them, not one per pack (1,000 sequential reads on Redis for 1,000 packs).
  it('checks the locks of many packs in one store read, and still refuses past a held one', async () => {
    const store = await open();
    stores.push(store);
    const reads = { get: 0, getMany: 0 };
    const counted: StateStore = Object.assign(Object.create(store) as StateStore, {
      get: (key: string) => { reads.get++; return store.get(key); },
      getMany: (keys: readonly string[]) => { reads.getMany++; return store.getMany(keys); },
    });
    const now = new Date('2026-11-21T10:00:00.000Z');
    const locks = createLocks(counted, { now: () => now, revertAfterMs: () => 3_600_000 });
    await locks.claim('pack_7', req('slack:A', 'feature-x'));
    const packs = Array.from({ length: 200 }, (_, i) => `pack_${i}`);
    reads.get = 0;
    const opts = { now, prefix: '!' };
    await assertUnlocked(locks, req('slack:A', 'master'), packs, opts);
    await expect(assertUnlocked(locks, req('slack:B', 'master'), packs, opts)).rejects.toThrow(/pack_7 is locked to branch feature-x/);
    expect(reads).toEqual({ get: 0, getMany: 2 });
  });
});

describe('refusalMessage', () => {
  it('names the holder, the branch, how long ago, when it reverts and how to unlock', async () => {
    const { refusalMessage } = await import('../../src/services/coord/branch-locks.js');
    const held = { ...lock('slack:U024BE7LH', 'feature-x'), since: '2026-11-21T09:40:00.000Z', expires_at: '2026-11-21T10:40:00.000Z' };
    const text = refusalMessage(held, { now: new Date('2026-11-21T10:00:00.000Z'), defaultBranch: 'master', prefix: '!', display: (id) => `<@${id.split(':')[1]}>` });
    expect(text).toBe('docker is locked to branch feature-x by <@U024BE7LH> since 20m ago; it goes back to master automatically in 40m. '
      + 'Ask <@U024BE7LH> to release it with `!pack unlock docker` (admins can force it), or deploy feature-x itself.');
  });
});
