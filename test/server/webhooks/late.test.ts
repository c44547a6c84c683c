import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/core/logging/logger.js';
import { createMasker } from '../../../src/core/masking/masker.js';
import { createHttpServer } from '../../../src/interfaces/server/http.js';
import { mountWebhooks } from '../../../src/interfaces/server/webhooks/routes.js';
import { createDeliveryLedger } from '../../../src/interfaces/server/webhooks/ledger.js';
import type { PushEvent } from '../../../src/services/autodeploy/push-event.js';
import { createStateStore } from '../../../src/domain/store/index.js';
import { tempDir } from '../../helpers/config.js';
import { deliver, githubPush } from '../../helpers/webhooks.js';
import { scaled } from '../../helpers/budget.js';

const SECRET = 'late-test-secret';
// Generous: the pushes below finish as soon as they are let go; this only bounds a hang.
const eventually = { timeout: scaled(15_000), interval: 20 };
// One body per delivery id (a body already taken under another id is a replay); a retry repeats both.
const push = (delivery: string) => githubPush({ url: 'https://github.com/a/b.git', branch: 'main', before: 'a'.repeat(40), after: delivery === 'late-1' ? 'c'.repeat(40) : 'b'.repeat(40) }, SECRET, { delivery });

describe('a push that takes longer than a provider waits', () => {
  it('is answered in time with status processing and finished afterwards; if it then fails, a redelivery is taken', async () => {
    const masker = createMasker();
    let text = '';
    const out = new PassThrough().on('data', (d: Buffer) => (text += d.toString()));
    const logger = createLogger({ level: 'info', masker, destination: out, pretty: false });
    const state = await createStateStore({ kind: 'embedded' }, { stateDir: await tempDir() });
    const handled: string[] = [];
    let fail = false;
    // Each push is held in onPush until the test lets it go: slower than answerWithinMs for
    // certain, however busy the machine, without a sleep standing in for the work.
    const held: Array<() => void> = [];
    const letGo = async () => {
      await vi.waitFor(() => expect(held).toHaveLength(1), eventually);
      held.shift()?.();
    };
    const http = createHttpServer({ host: '127.0.0.1', port: 0, logger });
    await mountWebhooks(http.fastify, {
      secrets: { github: { secret: SECRET } }, bodyLimit: 65536, logger, masker, answerWithinMs: 100,
      ledger: createDeliveryLedger(state, 3600_000),
      counted: () => undefined,
      onPush: async (event: PushEvent) => {
        await new Promise<void>((r) => held.push(r));
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
      await letGo();
      await vi.waitFor(() => expect(handled).toEqual(['c'.repeat(40)]), eventually);

      fail = true;
      expect((await deliver(base, 'github', push('late-2'))).json).toMatchObject({ status: 'processing' });
      await letGo();
      await vi.waitFor(() => expect(text).toContain('webhook failed after it was answered'), eventually);
      // Forgotten, so the provider's redelivery is handled rather than taken for a replay.
      fail = false;
      expect((await deliver(base, 'github', push('late-2'))).json).toMatchObject({ status: 'processing' });
      await letGo();
      await vi.waitFor(() => expect(handled).toEqual(['c'.repeat(40), 'b'.repeat(40)]), eventually);
    } finally {
      for (const go of held.splice(0)) go();
      await http.close();
      await state.close();
    }
  });
});
