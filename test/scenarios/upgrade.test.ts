import { describe, expect, it } from 'vitest';
import { createRepo } from '../helpers/git-repo.js';
import { createDeployEnv, pack } from '../helpers/deploy.js';

describe('an upgrade with deploys in flight', () => {
  it('runs an entry the previous version left in the queue (a request, not a plan) at its turn', async () => {
    const repo = await createRepo({ files: { ...pack('alpha'), ...pack('beta') } });
    const env = await createDeployEnv({ demo: { url: repo.url } });
    const { coordinator, history, store } = env.app.services;
    try {
      // Exactly what the previous version wrote: the request as text, the branch three times.
      const payload = {
        request: { id: 'legacy01', repo: 'demo', packs: 'alpha', ref: 'main', force: false, requestedBy: 'console:alice', channel: 'ops' },
        repo: 'demo', branch: 'main', defaultBranch: 'main', target: { platform: 'console', channel: 'ops' }, policy: 'never',
      };
      await coordinator.queue.enqueue({ id: 'legacy01', packs: ['alpha'], requester: 'console:alice', channel: 'ops', summary: 'alpha from demo main', policy: 'never', payload });
      await coordinator.pump();
      await coordinator.settled();
      expect(await history.get('legacy01')).toMatchObject({ repo: 'demo', branch: 'main', result: 'success', packs: [expect.objectContaining({ pack: 'alpha' })] });
      expect((await store.active('alpha'))?.meta.version).toBe('1.0.0');
      expect(await store.active('beta')).toBeNull();
      expect(await coordinator.queue.list()).toEqual([]);
    } finally {
      await env.app.stop();
    }
  }, 60_000);
});
