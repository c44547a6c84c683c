/**
 * Issue 20 (3): a cut-off deploy is reported from what the pack store shows, never assumed;
 * and (2) history records kept on disk during a store outage go in once, when it is back.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMasker } from '../../src/core/masking/masker.js';
import { reconcile } from '../../src/services/coord/reconcile.js';
import type { DeployPayload } from '../../src/services/coord/types.js';
import { hasPendingRecord, replayPendingRecords, savePendingRecord } from '../../src/services/deploy/pending-records.js';
import { historyRecord } from '../../src/services/deploy/record.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { createStoreHistory } from '../../src/domain/store/history.js';
import { meta, useStoreFixture } from '../packstore/helpers.js';

const fx = useStoreFixture('outcome');

function payload(id: string): DeployPayload {
  return {
    policy: 'never', target: { platform: 'console', channel: 'general' },
    plan: {
      id, kind: 'deploy', ref: 'feature-x', packs: ['alpha'], force: false, requestedBy: 'console:alice',
      repo: { name: 'demo', remote: { name: 'demo', url: 'file:///nowhere' }, byUrl: false, subtree: null, defaultBranch: 'main', settings: null },
    },
  };
}

const WHY = 'the process running it stopped mid-run 2 times';

describe('what a cut-off deploy left active', () => {
  it('is the release it made live, with the one it replaced, when that release is active', async () => {
    const before = await fx.store.writeRelease('alpha', await fx.source(), meta('alpha', { branch: 'main', deploy_id: 'older' }));
    const ours = await fx.store.writeRelease('alpha', await fx.source(), meta('alpha', { version: '1.1.0', branch: 'feature-x', deploy_id: 'cut0001' }));
    const result = await reconcile(fx.store, payload('cut0001'), ['alpha'], WHY, new Date());
    expect(result.error).toBeNull();
    expect(result.success_count).toBe(1);
    const [alpha] = result.packs;
    expect(alpha).toMatchObject({ pack: 'alpha', status: 'deployed', version: '1.1.0', release: ours.release.release, previous_release: before.release.release, error: null });
    expect(alpha?.warnings.join(' ')).toContain(`release ${ours.release.release} from st2contrib feature-x is active`);
    expect(result.commit).toBe(ours.release.meta.commit);
  });

  it('says nothing went live, and what stays active, only when that is so', async () => {
    const other = await fx.store.writeRelease('alpha', await fx.source(), meta('alpha', { branch: 'main', deploy_id: 'someone-else' }));
    const result = await reconcile(fx.store, payload('cut0002'), ['alpha', 'beta'], WHY, new Date());
    expect(result.success_count).toBe(0);
    expect(result.packs.map((p) => p.status)).toEqual(['failed', 'failed']);
    expect(result.error).toBe(`it was cut off (${WHY}) before anything went live: alpha: release ${other.release.release} from st2contrib main is still active; beta: it is not installed`);
  });
});

describe('history records kept on disk while the store was down', () => {
  it('are appended once when it is back, and never twice', async () => {
    const stateDir = join(fx.tmp, 'state');
    const store = await createStateStore({ kind: 'embedded' }, { stateDir });
    const history = createStoreHistory(store, createMasker());
    try {
      const result = await reconcile(fx.store, payload('cut0003'), ['alpha'], WHY, new Date());
      const record = historyRecord({ requestedBy: 'console:alice' }, result, new Date());
      await savePendingRecord(stateDir, record);
      expect(await hasPendingRecord(stateDir, 'cut0003')).toBe(true);
      // The store took it after all before the answer was lost: looked up, not appended again.
      await history.append(record);
      expect(await replayPendingRecords(history, stateDir)).toEqual(['cut0003']);
      expect(await hasPendingRecord(stateDir, 'cut0003')).toBe(false);
      expect((await history.list()).filter((r) => r.id === 'cut0003')).toHaveLength(1);

      // A turn still settling its own is skipped.
      await savePendingRecord(stateDir, { ...record, id: 'cut0004' });
      expect(await replayPendingRecords(history, stateDir, { holdBack: async (id) => id === 'cut0004' })).toEqual([]);
      expect(await replayPendingRecords(history, stateDir)).toEqual(['cut0004']);
      expect((await history.get('cut0004'))?.result).toBe('failure');
    } finally {
      await store.close();
    }
  });
});
