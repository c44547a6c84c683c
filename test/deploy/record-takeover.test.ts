/**
 * Issue 20 (1): a turn taken over records its deploy again when the new owner finishes. If the
 * first worker recorded before it lost the turn (it recorded, then froze or died before
 * finishing), the deploy must still have one history record, not two.
 */
import { describe, expect, it } from 'vitest';
import { createMasker } from '../../src/core/masking/masker.js';
import { createStateStore } from '../../src/domain/store/index.js';
import { createStoreHistory } from '../../src/domain/store/history.js';
import { NO_FENCE, type TurnFence } from '../../src/services/deploy/fence.js';
import { recordFenced } from '../../src/services/deploy/fenced-record.js';
import { finishResult } from '../../src/services/deploy/result.js';
import { StageClock } from '../../src/services/deploy/stage-clock.js';
import type { DeployPlan, PackResult } from '../../src/services/deploy/types.js';
import { useStoreFixture } from '../packstore/helpers.js';
import { testRuntime } from '../helpers/runtime.js';

const fx = useStoreFixture('record-takeover');

const deployed: PackResult = {
  pack: 'alpha', source: 'alpha', status: 'deployed', version: '1.0.0', release: 'r1', previous_release: null, components: null, warnings: [], error: null,
};
const request: Pick<DeployPlan, 'requestedBy'> = { requestedBy: 'console:alice' };

describe('the history record of a deploy whose turn was taken over', () => {
  it('is one record, whoever of the two workers recorded first', async () => {
    const { config, logger } = await testRuntime('state_dir: ./var', fx.tmp);
    const store = await createStateStore({ kind: 'embedded' }, { stateDir: config.state_dir });
    try {
      const history = createStoreHistory(store, createMasker());
      const started = new Date();
      const result = finishResult({ id: 'tko0001', repo: 'demo', branch: 'main', commit: 'a'.repeat(40), started, stages: {}, error: null, packs: [deployed] });
      const deps = { config, history, logger };
      // The first worker held the turn (number 1) and recorded before it froze.
      await recordFenced(deps, NO_FENCE, new StageClock(() => {}), request, result, started);
      // The new owner (number 2) ran the deploy again and records at its end.
      const newOwner: TurnFence = { ...NO_FENCE, takenOver: true };
      await recordFenced(deps, newOwner, new StageClock(() => {}), request, result, started);
      expect((await history.list()).filter((r) => r.id === 'tko0001')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
