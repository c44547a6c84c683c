/**
 * Issue 20 (2): an outcome kept on disk while the state store was away (its process then died,
 * or its turn stopped waiting) goes into the store when packbot starts: recorded once, locks
 * taken with their revert timer, but only for packs whose active release is still that deploy's.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createMasker } from '../../src/core/masking/masker.js';
import { createEmbeddedJobRunner } from '../../src/domain/jobs/embedded.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { createStoreHistory } from '../../src/domain/store/history.js';
import { createCoordinator } from '../../src/services/coord/coordinator.js';
import type { CoordEvent } from '../../src/services/coord/events.js';
import type { DeployPayload } from '../../src/services/coord/types.js';
import { outcomeName, outcomesDir, savePendingRecord, writeDurably } from '../../src/services/deploy/pending-records.js';
import { historyRecord } from '../../src/services/deploy/record.js';
import { finishResult } from '../../src/services/deploy/result.js';
import type { PackResult } from '../../src/services/deploy/types.js';
import { meta, useStoreFixture } from '../packstore/helpers.js';
import { testRuntime } from '../helpers/runtime.js';

const fx = useStoreFixture('replay');

function payload(id: string): DeployPayload {
  return {
    policy: 'never', target: { platform: 'console', channel: 'general' },
    plan: {
      id, kind: 'deploy', ref: 'feature-x', packs: ['alpha', 'beta'], force: false, requestedBy: 'console:alice',
      repo: { name: 'demo', remote: { name: 'demo', url: 'file:///nowhere' }, byUrl: false, subtree: null, defaultBranch: 'main', settings: null },
    },
  };
}

const deployed = (pack: string, release: string): PackResult => ({
  pack, source: pack, status: 'deployed', version: '1.1.0', release, previous_release: null, components: null, warnings: [], error: null,
});

describe('outcomes kept on disk during a store outage', () => {
  it('go into the store at the next start: recorded once, locks taken only where the release is still the one deployed', async () => {
    const { config, logger } = await testRuntime(['state_dir: ./var', 'repositories:', '  demo: {repo: "file:///nowhere", branch: main}'].join('\n'), fx.tmp);
    const alpha = await fx.store.writeRelease('alpha', await fx.source(), meta('alpha', { branch: 'feature-x', deploy_id: 'rep0001' }));
    const beta = await fx.store.writeRelease('beta', await fx.source(), meta('beta', { branch: 'feature-x', deploy_id: 'rep0001' }));
    // Someone deployed beta from main since: its lock must not be taken.
    await fx.store.writeRelease('beta', await fx.source(), meta('beta', { branch: 'main', deploy_id: 'later01' }));
    const started = new Date();
    const result = finishResult({
      id: 'rep0001', repo: 'demo', branch: 'feature-x', commit: alpha.release.meta.commit, started, stages: {}, error: null,
      packs: [deployed('alpha', alpha.release.release), deployed('beta', beta.release.release)],
    });
    // As settleOutcome and the pipeline leave them when the store does not answer.
    await savePendingRecord(config.state_dir, historyRecord(payload('rep0001').plan, result, started));
    await writeDurably(outcomesDir(config.state_dir), outcomeName('rep0001', 'outcome'), { payload: payload('rep0001'), result });

    const state = await createStateStore({ kind: 'embedded' }, { stateDir: config.state_dir });
    const history = createStoreHistory(state, createMasker());
    const said: CoordEvent[] = [];
    const coordinator = createCoordinator({
      config, store: state, jobs: createEmbeddedJobRunner({ store: state }), history, logger,
      events: { emit: async (e) => void said.push(e), announces: () => false },
      deploy: () => Promise.reject(new Error('nothing is deployed here')),
      packStore: fx.store,
    });
    try {
      await coordinator.start();
      expect((await history.list()).map((r) => r.id)).toEqual(['rep0001']);
      const locks = await coordinator.locks.list();
      expect(locks.map((l) => [l.pack, l.branch, l.owner])).toEqual([['alpha', 'feature-x', 'console:alice']]);
      expect(said.some((e) => e.kind === 'lock_taken' && e.lock.pack === 'alpha')).toBe(true);
      expect(said.some((e) => e.kind === 'outcome_pending' && e.settled && e.deploy.id === 'rep0001')).toBe(true);
      expect(await readdir(outcomesDir(config.state_dir))).toEqual([]);
    } finally {
      await coordinator.stop();
      await state.close();
    }
  });
});
