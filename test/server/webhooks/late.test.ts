import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/core/logging/logger.js';
import { createMasker } from '../../../src/core/masking/masker.js';
import { createHttpServer } from '../../../src/interfaces/server/http.js';
import { mountWebhooks } from '../../../src/interfaces/server/webhooks/routes.js';
import type { PushEvent } from '../../../src/services/autodeploy/push-event.js';
import { createStateStore } from '../../../src/domain/store/index.js';
import { tempDir } from '../../helpers/config.js';
import { deliver, githubPush } from '../../helpers/webhooks.js';

const SECRET = 'late-test-secret';
const push = (delivery: string) => githubPush({ url: 'https://github.com/a/b.git', branch: 'main', before: 'a'.repeat(40), after: 'b'.repeat(40) }, SECRET, { delivery });

describe('a push that takes longer than a provider waits', () => {
  it('is answered in time with status processing and finished afterwards; if it then fails, a redelivery is taken', async () => {
    const masker = createMasker();
    let text = '';
    const out = new PassThrough().on('data', (d: Buffer) => (text += d.toString()));
    const logger = createLogger({ level: 'info', masker, destination: out, pretty: false });
    const state = await createStateStore({ kind: 'embedded' }, { stateDir: await tempDir() });
    const handled: string[] = [];
    let fail = false;
    const http = createHttpServer({ host: '127.0.0.1', port: 0, logger });
    await mountWebhooks(http.fastify, {
      secrets: { github: { secret: SECRET } }, bodyLimit: 65536, logger, masker, answerWithinMs: 100,
      firstSeen: (key) => state.setIfAbsent(key, '1'),
      forget: async (key) => void (await state.delete(key)),
      counted: () => undefined,
      onPush: async (event: PushEvent) => {
        await new Promise((r) => setTimeout(r, 400));
        if (fail) throw new Error('fetch failed');
        handled.push(event.after ?? '');
        return [{ repo: 'x', status: 'queued' }];
      },
    });
    const base = await http.listen();
    try {
      const slow = await deliver(base, 'github', push('late-1'));
      expect(slow).toMatchObject({ status: 202, json: { status: 'processing', delivery: 'late-1' } });
      // Answered while the push was still being handled.
      expect(handled).toEqual([]);
      await new Promise((r) => setTimeout(r, 600));
      expect(handled).toEqual(['b'.repeat(40)]);

      fail = true;
      expect((await deliver(base, 'github', push('late-2'))).json).toMatchObject({ status: 'processing' });
      await new Promise((r) => setTimeout(r, 600));
      expect(text).toContain('webhook failed after it was answered');
      // Forgotten, so the provider's redelivery is handled rather than taken for a replay.
      fail = false;
      expect((await deliver(base, 'github', push('late-2'))).json).toMatchObject({ status: 'processing' });
      await new Promise((r) => setTimeout(r, 600));
      expect(handled).toHaveLength(2);
    } finally {
      await http.close();
      await state.close();
    }
  });
});
